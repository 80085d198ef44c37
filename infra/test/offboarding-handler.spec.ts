import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startDynalite, type EmbeddedDynamoDb } from '@mcp-cognito/dev-stack';
import { createDynamoClients, createRepositories, ensureTable, grantReference, StorageUnavailableError, type DynamoClients, type Repositories } from '@mcp-cognito/storage';
import { REDACTED } from '../src/functions/offboarding/cognito-event';
import { cloudTrailEvent, LoopbackCognito, POOL } from './offboarding-fixtures';
import { offboardFromCognitoEvent, UnusableOffboardingEvent, type OffboardingDeps } from '../src/functions/offboarding/offboard';
import { cognitoUserDirectory } from '../src/functions/offboarding/user-directory';

describe('offboarding function: a Cognito disable/delete/global sign-out revokes the user everywhere (real DynamoDB API, real SDK on loopback)', () => {
  let dynamo: EmbeddedDynamoDb;
  let clients: DynamoClients;
  let repos: Repositories;
  let cognito: LoopbackCognito;
  let cognitoClient: CognitoIdentityProviderClient;
  let logs: Array<Record<string, unknown>>;
  const table = `offboarding-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    dynamo = await startDynalite();
    clients = createDynamoClients({ region: 'eu-west-1', endpoint: dynamo.endpoint, tableName: table });
    await ensureTable(clients);
    repos = createRepositories(clients);
    cognito = new LoopbackCognito();
    await cognito.start();
    cognitoClient = new CognitoIdentityProviderClient({
      region: 'eu-west-1',
      endpoint: cognito.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
      retryStrategy: undefined,
    });
  });
  afterAll(async () => {
    cognitoClient?.destroy();
    clients?.destroy();
    await cognito?.stop();
    await dynamo?.stop();
  });
  beforeEach(() => {
    logs = [];
    cognito.failing = false;
  });

  const deps = (overrides: Partial<OffboardingDeps> = {}): OffboardingDeps => ({
    repos,
    directory: cognitoUserDirectory(cognitoClient, POOL),
    userPoolId: POOL,
    coverSeconds: 1200,
    log: (record) => logs.push(record),
    ...overrides,
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

  const feedRefs = async (from: number) => (await repos.revocationFeed.since(from - 1000)).entries.map((e) => `${e.target}:${e.ref}:${e.reason}`);

  it('AdminDisableUser: the sub from AdminGetUser, every grant ended, the feed names the user and each grant (reason cognito:AdminDisableUser), one audit record', async () => {
    const sub = randomUUID();
    cognito.users.set('ivy', sub);
    const from = Date.now();
    const g1 = await grant(sub, 'ivy', 'client-a');
    const g2 = await grant(sub, 'ivy', 'client-b');
    const other = await grant(randomUUID(), 'jack', 'client-a');

    const outcome = await offboardFromCognitoEvent(cloudTrailEvent('AdminDisableUser', { userPoolId: POOL, username: 'Ivy' }), deps());

    expect(outcome).toEqual({ status: 'revoked', eventName: 'AdminDisableUser', users: [{ sub, grants: 2, clients: expect.arrayContaining(['client-a', 'client-b']) }] });
    for (const g of [g1, g2]) expect(await repos.grants.get(g.grantId)).toMatchObject({ status: 'revoked', revokedReason: 'admin' });
    expect(await repos.grants.get(other.grantId)).toMatchObject({ status: 'active' });
    expect(await feedRefs(from)).toEqual(
      expect.arrayContaining([`user:${sub}:cognito:AdminDisableUser`, `grant:${grantReference(g1.grantId)}:cognito:AdminDisableUser`, `grant:${grantReference(g2.grantId)}:cognito:AdminDisableUser`]),
    );
    expect(await repos.userRevocations.get(sub)).toMatchObject({ reason: 'cognito:AdminDisableUser' });
    const audit = logs.filter((l) => l['event'] === 'user.revoked');
    expect(audit).toEqual([
      expect.objectContaining({ level: 'warn', actor: 'cognito:AdminDisableUser', reason: 'cognito:AdminDisableUser', users: outcome.status === 'revoked' ? outcome.users : [], caller: expect.stringContaining('assumed-role/ops') }),
    ]);
    // Subs only: the username is not logged.
    expect(JSON.stringify(logs)).not.toMatch(/ivy/i);
  });

  it('AdminUserGlobalSignOut by an alias: AdminGetUser resolves it, the index need not know it', async () => {
    const sub = randomUUID();
    cognito.users.set('kim@example.com', sub);
    await grant(sub, sub, 'client-a');
    const outcome = await offboardFromCognitoEvent(cloudTrailEvent('AdminUserGlobalSignOut', { userPoolId: POOL, username: 'kim@example.com' }), deps());
    expect(outcome).toMatchObject({ status: 'revoked', users: [{ sub, grants: 1 }] });
  });

  it('AdminDeleteUser: the user is gone at Cognito, so the user grant index resolves the username to every sub it had', async () => {
    const sub = randomUUID();
    const from = Date.now();
    const g = await grant(sub, 'Leo', 'client-a');
    const calls = cognito.calls;
    const outcome = await offboardFromCognitoEvent(cloudTrailEvent('AdminDeleteUser', { userPoolId: POOL, username: 'leo' }), deps());
    expect(cognito.calls).toBe(calls + 1); // asked Cognito first: UserNotFoundException
    expect(outcome).toEqual({ status: 'revoked', eventName: 'AdminDeleteUser', users: [{ sub, grants: 1, clients: ['client-a'] }] });
    expect(await repos.grants.get(g.grantId)).toMatchObject({ status: 'revoked' });
    expect(await feedRefs(from)).toContain(`user:${sub}:cognito:AdminDeleteUser`);
  });

  it('a deleted user nobody knows (never signed in through the gateway): nothing to revoke, logged, not an error', async () => {
    const outcome = await offboardFromCognitoEvent(cloudTrailEvent('AdminDeleteUser', { userPoolId: POOL, username: 'never-seen' }), deps());
    expect(outcome).toEqual({ status: 'nothing_to_revoke', eventName: 'AdminDeleteUser' });
    expect(logs).toEqual([expect.objectContaining({ event: 'user.revocation_unresolved', level: 'warn' })]);
  });

  it.each([
    ['another user pool', cloudTrailEvent('AdminDisableUser', { userPoolId: 'eu-west-1_Other0000', username: 'ivy' })],
    ['another API', cloudTrailEvent('AdminEnableUser', { userPoolId: POOL, username: 'ivy' })],
    ['a failed call', cloudTrailEvent('AdminDisableUser', { userPoolId: POOL, username: 'ivy' }, { errorCode: 'UserNotFoundException' })],
    ['another event source', { ...cloudTrailEvent('AdminDisableUser', { userPoolId: POOL, username: 'ivy' }), detail: { eventSource: 'iam.amazonaws.com', eventName: 'AdminDisableUser' } }],
  ])('%s: ignored, nothing read or written', async (_label, event) => {
    const sub = randomUUID();
    cognito.users.set('ivy', sub);
    const g = await grant(sub, 'ivy', 'client-a');
    const calls = cognito.calls;
    const outcome = await offboardFromCognitoEvent(event, deps());
    expect(outcome.status).toBe('ignored');
    expect(cognito.calls).toBe(calls);
    expect(await repos.grants.get(g.grantId)).toMatchObject({ status: 'active' });
    expect(await repos.userRevocations.get(sub)).toBeUndefined();
  });

  it.each([
    ['redacted by CloudTrail', { userPoolId: POOL, username: REDACTED }],
    ['missing', { userPoolId: POOL }],
    ['empty', { userPoolId: POOL, username: ' ' }],
  ])('username %s: logged as an error and thrown (-> retries -> dead-letter queue -> alarm: a human must finish it); nothing written', async (_label, params) => {
    const calls = cognito.calls;
    await expect(offboardFromCognitoEvent(cloudTrailEvent('AdminDisableUser', params), deps())).rejects.toBeInstanceOf(UnusableOffboardingEvent);
    expect(cognito.calls).toBe(calls);
    expect(logs).toEqual([expect.objectContaining({ level: 'error', event: 'user.revocation_failed', actor: 'cognito:AdminDisableUser' })]);
  });

  it('storage outage (the table endpoint refuses connections): throws, so Lambda retries; the error is logged without the request', async () => {
    const sub = randomUUID();
    cognito.users.set('mia', sub);
    // A real refused connection: a port nothing listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = createDynamoClients({ region: 'eu-west-1', endpoint: `http://127.0.0.1:${port}`, tableName: table, deadlines: { budgetMs: 800, maxAttempts: 2 } });
    try {
      await expect(offboardFromCognitoEvent(cloudTrailEvent('AdminDisableUser', { userPoolId: POOL, username: 'mia' }), deps({ repos: createRepositories(down) }))).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
      expect(logs).toEqual([expect.objectContaining({ level: 'error', event: 'user.revocation_failed', error: 'StorageUnavailableError' })]);
      expect(JSON.stringify(logs)).not.toMatch(/mia/);
    } finally {
      down.destroy();
    }
  });

  it('Cognito outage (AdminGetUser answers 500): throws, nothing written; the next attempt (Cognito back) revokes', async () => {
    const sub = randomUUID();
    cognito.users.set('noah', sub);
    const g = await grant(sub, 'noah', 'client-a');
    const event = cloudTrailEvent('AdminDisableUser', { userPoolId: POOL, username: 'noah' });
    cognito.failing = true;
    await expect(offboardFromCognitoEvent(event, deps())).rejects.toThrow(/outage/);
    expect(await repos.grants.get(g.grantId)).toMatchObject({ status: 'active' });
    cognito.failing = false;
    await expect(offboardFromCognitoEvent(event, deps())).resolves.toMatchObject({ status: 'revoked', users: [{ sub, grants: 1 }] });
  });
});
