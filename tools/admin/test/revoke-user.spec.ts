import { randomBytes, randomUUID } from 'node:crypto';
import { startDynalite, type EmbeddedDynamoDb } from '@mcp-cognito/dev-stack';
import { createDynamoClients, createRepositories, ensureTable, grantReference, type DynamoClients, type Repositories } from '@mcp-cognito/storage';
import { main } from '../src/cli';

/**
 * Issue 15 "admin offboarding": `npm run admin -- revoke-user --user <username|sub>` against a real DynamoDB API
 * (dynalite, as the local stack runs it): every grant of the user ended, the feed names the user and each grant,
 * one audit record on stdout.
 */
describe('admin revoke-user: offboarding by username or sub', () => {
  let dynamo: EmbeddedDynamoDb;
  let clients: DynamoClients;
  let repos: Repositories;
  const table = `admin-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    dynamo = await startDynalite();
    clients = createDynamoClients({ region: 'eu-west-1', endpoint: dynamo.endpoint, tableName: table });
    await ensureTable(clients);
    repos = createRepositories(clients);
  });
  afterAll(async () => {
    clients?.destroy();
    await dynamo?.stop();
  });

  const grant = (sub: string, username: string, clientId: string) =>
    repos.grants.create({
      grantId: randomUUID(),
      clientId,
      sub,
      username,
      scope: 'mcp-server/read',
      resource: 'https://mcp.example.com/mcp',
      currentRefreshHash: 'a'.repeat(64),
      upstream: { accessToken: { ciphertext: 'x', keyId: 'k' }, accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600 },
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { USER: 'ops-oncall' }, (l) => out.push(l), (l) => err.push(l));
    return { code, out, err: err.join('\n') };
  }

  it('by username (any case): ends every grant of the user, names the user and each grant in the feed, prints the audit record', async () => {
    const sub = randomUUID();
    const from = Date.now();
    const g1 = await grant(sub, 'Ivy', 'client-a');
    const g2 = await grant(sub, 'Ivy', 'client-b');
    const other = await grant(randomUUID(), 'jack', 'client-a');

    const r = await run('revoke-user', '--user', 'ivy', '--endpoint', dynamo.endpoint, '--table', table, '--region', 'eu-west-1');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!)).toMatchObject({ event: 'user.revoked', actor: 'admin:ops-oncall', users: [{ sub, grants: 2, clients: expect.arrayContaining(['client-a', 'client-b']) }] });
    expect(r.err).toContain('admin-user-global-sign-out');
    for (const g of [g1, g2]) expect(await repos.grants.get(g.grantId)).toMatchObject({ status: 'revoked', revokedReason: 'admin' });
    expect(await repos.grants.get(other.grantId)).toMatchObject({ status: 'active' });
    const feed = (await repos.revocationFeed.since(from - 1000)).entries.map((e) => `${e.target}:${e.ref}`);
    expect(feed).toEqual(expect.arrayContaining([`user:${sub}`, `grant:${grantReference(g1.grantId)}`, `grant:${grantReference(g2.grantId)}`]));
    for (const e of (await repos.revocationFeed.since(from - 1000)).entries) expect(e.expiresAt).toBeGreaterThanOrEqual(Math.floor(from / 1000) + 86_700);
  });

  it('by sub, even without grants (the user entry still refuses any token of that user)', async () => {
    const sub = randomUUID();
    const r = await run('revoke-user', '--user', sub, '--endpoint', dynamo.endpoint, '--table', table);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!).users).toEqual([{ sub, grants: 0, clients: [] }]);
  });

  it('an unknown username: exit 1, nothing written', async () => {
    const r = await run('revoke-user', '--user', 'nobody-at-all', '--endpoint', dynamo.endpoint, '--table', table);
    expect(r.code).toBe(1);
    expect(r.err).toContain('nothing revoked');
  });

  it.each([
    [[], 'no command'],
    [['delete-everything'], 'unknown command'],
    [['revoke-user'], '--user is required'],
    [['revoke-user', '--user', 'x', '--cover-seconds', '5'], '--cover-seconds'],
    [['revoke-user', '--user', 'x', '--bogus'], 'Unknown option'],
  ])('usage errors exit 2 with the usage: %j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: npm run admin');
  });

  it('a table that cannot be reached: exit 1 with the reason, no stack trace', async () => {
    const r = await run('revoke-user', '--user', randomUUID(), '--endpoint', 'http://127.0.0.1:9', '--table', table);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^failed: StorageUnavailableError/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
