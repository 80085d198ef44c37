import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { startDynalite, type EmbeddedDynamoDb } from '@mcp-cognito/dev-stack';
import { createDynamoClients, createRepositories, ensureTable, type DynamoClients, type Repositories } from '@mcp-cognito/storage';
import { buildStacks } from '../src/app';
import { stageConfig } from '../src/config/stages';
import { cloudTrailEvent, LoopbackCognito, POOL } from './offboarding-fixtures';

const run = promisify(execFile);

/**
 * The function as deployed: the esbuild bundle `cdk synth` makes (no Docker), loaded by a plain Node process with only
 * the environment the construct sets (plus endpoints pointing at loopback), handling a real event end to end.
 */
describe('offboarding function bundle: what cdk synth packages runs on its own', () => {
  let bundle: string;
  let dynamo: EmbeddedDynamoDb;
  let clients: DynamoClients;
  let repos: Repositories;
  let cognito: LoopbackCognito;
  const table = `bundle-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    process.env['CDK_VALIDATION'] = 'false';
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'infra-bundle-')),
      context: { 'aws:cdk:disable-asset-staging': true, 'aws:cdk:enable-asset-metadata': true },
    });
    const stacks = buildStacks(app, stageConfig('dev'), {});
    const template = app.synth().getStackByName(stacks.security.stackName).template as { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }> };
    const bundled = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:is-bundled'] === true);
    expect(bundled).toHaveLength(1);
    bundle = join(String(bundled[0]!.Metadata!['aws:asset:path']), 'index.js');

    dynamo = await startDynalite();
    clients = createDynamoClients({ region: 'eu-west-1', endpoint: dynamo.endpoint, tableName: table });
    await ensureTable(clients);
    repos = createRepositories(clients);
    cognito = new LoopbackCognito();
    await cognito.start();
  });
  afterAll(async () => {
    clients?.destroy();
    await cognito?.stop();
    await dynamo?.stop();
  });

  it('one self-contained file (SDK clients and libs/storage inside, minified, with a source map)', () => {
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const size = statSync(bundle).size;
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThan(3_000_000);
  });

  it('handles an AdminDisableUser event: the user revoked in the table, the audit record on stdout', async () => {
    const sub = randomUUID();
    cognito.users.set('olga', sub);
    await repos.grants.create({
      grantId: randomUUID(),
      clientId: 'client-a',
      sub,
      username: 'olga',
      scope: 'mcp-server/read',
      resource: 'https://mcp.example.com/mcp',
      currentRefreshHash: 'b'.repeat(64),
      upstream: { accessToken: { ciphertext: 'x', keyId: 'k' }, accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600 },
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });
    const event = cloudTrailEvent('AdminDisableUser', { userPoolId: POOL, username: 'olga' });
    const script = `require(${JSON.stringify(bundle)}).handler(JSON.parse(process.env.EVENT)).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'), (e) => { console.error(e); process.exit(1); })`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      timeout: 30_000,
      env: {
        PATH: process.env['PATH'] ?? '',
        // What the construct sets, and what Lambda sets itself.
        TABLE_NAME: table,
        USER_POOL_ID: POOL,
        COVER_SECONDS: '1200',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        // The SDK's service-specific endpoint variables: loopback instead of AWS.
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
        EVENT: JSON.stringify(event),
      },
    });
    const result = JSON.parse(stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7)) as Record<string, unknown>;
    expect(result).toEqual({ status: 'revoked', eventName: 'AdminDisableUser', users: [{ sub, grants: 1, clients: ['client-a'] }] });
    const audit = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit).toEqual([expect.objectContaining({ event: 'user.revoked', actor: 'cognito:AdminDisableUser' })]);
    expect((await repos.grants.listForUser(sub))[0]).toMatchObject({ status: 'revoked' });
    expect(await repos.userRevocations.get(sub)).toMatchObject({ reason: 'cognito:AdminDisableUser' });
  });
});
