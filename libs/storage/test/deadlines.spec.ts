import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { freePort, TcpFaultRelay } from '@mcp-cognito/dev-stack';
import {
  createDynamoClients,
  createRepositories,
  DEFAULT_STORAGE_DEADLINES,
  ensureTable,
  StorageUnavailableError,
  type DynamoClients,
  type Repositories,
} from '../src';
import { codeRecord, newCodeHash, newGrant, sha256Hex } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { testEndpoint } from './support/test-storage';

const opened: DynamoClients[] = [];
function clientsAt(endpoint: string, tableName: string): DynamoClients {
  const clients = createDynamoClients({ region: 'eu-west-1', endpoint, tableName });
  opened.push(clients);
  return clients;
}
afterAll(() => opened.forEach((c) => c.destroy()));

/** Every kind of repository request, each the first storage call of some endpoint or tool. */
function everyOperation(repos: Repositories, now: number): Record<string, () => Promise<unknown>> {
  return {
    'clients.get': () => repos.clients.get('c-1'),
    'clients.create': () =>
      repos.clients.create({
        clientId: `c-${randomUUID()}`,
        redirectUris: ['http://127.0.0.1/cb'],
        tokenEndpointAuthMethod: 'none',
        grantTypes: ['authorization_code'],
        responseTypes: ['code'],
        registrationType: 'dynamic',
      }),
    'rateLimits.hit': () => repos.rateLimits.hit('register:127.0.0.1', 60),
    'pendingAuthorizations.consume': () => repos.pendingAuthorizations.consume(randomBytes(16).toString('hex')),
    'authorizationCodes.inspect': () => repos.authorizationCodes.inspect(newCodeHash()),
    'authorizationCodes.consume': () => repos.authorizationCodes.consume(newCodeHash()),
    'grants.get': () => repos.grants.get(randomUUID()),
    'grants.rotate': () => repos.grants.rotate(randomUUID(), { expectedGeneration: 0, newHash: sha256Hex('x') }),
    'notes.list': () => repos.notes.list('user-1'),
    'notes.create': () => repos.notes.create('user-1', { title: 't', body: 'b' }),
    'codes.create': () => repos.authorizationCodes.create(newCodeHash(), codeRecord(now)),
  };
}

async function outcome(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await run();
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

describe('storage deadlines: every request is bounded and an outage is a typed StorageUnavailableError', () => {
  const budget = DEFAULT_STORAGE_DEADLINES.budgetMs;

  it(`an engine that accepts and never answers: every operation fails as "timeout" within the ${budget} ms budget`, async () => {
    const relay = await TcpFaultRelay.start(testEndpoint());
    relay.mode = 'hang';
    try {
      const repos = createRepositories(clientsAt(relay.endpoint, 'any-table'), new ManualClock());
      const ops = Object.entries(everyOperation(repos, 1_700_000_000));
      const results = await Promise.all(ops.map(async ([name, run]) => ({ name, ...(await outcome(run)) })));
      for (const r of results) {
        expect({ op: r.name, error: r.error }).toEqual({ op: r.name, error: expect.any(StorageUnavailableError) });
        expect({ op: r.name, reason: (r.error as StorageUnavailableError).reason }).toEqual({ op: r.name, reason: 'timeout' });
        expect((r.error as StorageUnavailableError).retryAfterSeconds).toBe(DEFAULT_STORAGE_DEADLINES.retryAfterSeconds);
      }
      const worst = Math.max(...results.map((r) => r.ms));
      expect(worst).toBeGreaterThanOrEqual(budget - 50);
      expect(worst).toBeLessThan(budget + 500);
    } finally {
      await relay.stop();
    }
  });

  it('nothing listening: every operation fails as "unreachable" in well under a second', async () => {
    const repos = createRepositories(clientsAt(`http://127.0.0.1:${await freePort()}`, 'any-table'), new ManualClock());
    for (const [name, run] of Object.entries(everyOperation(repos, 1_700_000_000))) {
      const r = await outcome(run);
      expect({ op: name, reason: (r.error as StorageUnavailableError)?.reason }).toEqual({ op: name, reason: 'unreachable' });
      expect(r.ms).toBeLessThan(1_000);
    }
  });

  it('a missing table is "table_missing", not a bug', async () => {
    const repos = createRepositories(clientsAt(testEndpoint(), `missing-${randomUUID()}`), new ManualClock());
    const r = await outcome(() => repos.clients.get('c-1'));
    expect((r.error as StorageUnavailableError).reason).toBe('table_missing');
  });

  it('the same clients recover on their own once the engine answers again (no restart)', async () => {
    const relay = await TcpFaultRelay.start(testEndpoint());
    try {
      const clients = clientsAt(relay.endpoint, `recover-${randomUUID()}`);
      await ensureTable(clients);
      const repos = createRepositories(clients, new ManualClock());
      const before = await repos.notes.create('user-1', { title: 'before', body: '' });
      relay.mode = 'hang'; // also stalls the keep-alive connection the client already holds
      await expect(repos.notes.list('user-1')).rejects.toMatchObject({ reason: 'timeout' });
      relay.mode = 'pass';
      expect((await repos.notes.list('user-1')).notes.map((n) => n.noteId)).toEqual([before.noteId]);
    } finally {
      await relay.stop();
    }
  });
});

describe('writes whose answer was lost are retried without a false conflict', () => {
  let relay: TcpFaultRelay;
  let repos: Repositories;
  let direct: Repositories;
  let clock: ManualClock;
  beforeAll(async () => {
    relay = await TcpFaultRelay.start(testEndpoint());
    const tableName = `lost-answers-${randomUUID()}`;
    clock = new ManualClock();
    const clients = clientsAt(relay.endpoint, tableName);
    await ensureTable(clients);
    repos = createRepositories(clients, clock);
    direct = createRepositories(clientsAt(testEndpoint(), tableName), clock);
  });
  afterAll(() => relay.stop());

  /** The first attempt lands but its answer never arrives; the SDK times it out and retries on a new connection. */
  function withFirstAnswerLost<T>(run: () => Promise<T>): Promise<T> {
    relay.loseNextAnswer();
    return run();
  }

  it('a create (conditional put) that landed is not "already exists" on its retry', async () => {
    const note = await withFirstAnswerLost(() => repos.notes.create('user-1', { title: 'once', body: '' }));
    expect((await direct.notes.list('user-1')).notes).toEqual([note]);
  });

  it('a code consumption that landed is "ok" on its retry, not a replay (RFC 6749 §10.5 must not fire)', async () => {
    const hash = newCodeHash();
    await direct.authorizationCodes.create(hash, codeRecord(Math.floor(clock.now() / 1000)));
    expect((await withFirstAnswerLost(() => repos.authorizationCodes.consume(hash))).status).toBe('ok');
  });

  it('a refresh rotation that landed is "ok" on its retry, not a conflict', async () => {
    const grant = await direct.grants.create(newGrant(Math.floor(clock.now() / 1000)));
    const result = await withFirstAnswerLost(() =>
      repos.grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash: sha256Hex('next') }),
    );
    expect(result.status).toBe('ok');
  });
});

describe('DynamoDB error answers past the retries are typed outages', () => {
  let server: Server;
  let endpoint: string;
  let answer: { status: number; type: string } = { status: 500, type: 'InternalServerError' };
  let requests = 0;
  beforeAll(async () => {
    // DynamoDB's own error shape (JSON 1.0 protocol); a real engine cannot be made to throttle or fail on demand.
    server = createServer((req, res) => {
      requests++;
      req.resume().on('end', () => {
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`, message: 'injected' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    [500, 'InternalServerError', 'engine_error'],
    [503, 'ServiceUnavailable', 'engine_error'],
    [400, 'ProvisionedThroughputExceededException', 'throttled'],
    [400, 'ThrottlingException', 'throttled'],
  ])('%s %s -> %s after at most maxAttempts attempts, within the budget', async (status, type, reason) => {
    answer = { status, type };
    requests = 0;
    const repos = createRepositories(clientsAt(endpoint, 'any-table'), new ManualClock());
    const r = await outcome(() => repos.grants.get(randomUUID()));
    expect(r.error).toBeInstanceOf(StorageUnavailableError);
    // The SDK backs off longer after a throttle (500 ms base, jittered): when the backoff outlasts the budget the
    // outage ends as `timeout` - typed and on time either way, which is the rule.
    expect(reason === 'throttled' ? ['throttled', 'timeout'] : [reason]).toContain((r.error as StorageUnavailableError).reason);
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(DEFAULT_STORAGE_DEADLINES.maxAttempts);
    expect(r.ms).toBeLessThan(DEFAULT_STORAGE_DEADLINES.budgetMs + 500);
  });

  it('a validation error is a bug, not an outage: rethrown as is', async () => {
    answer = { status: 400, type: 'ValidationException' };
    const repos = createRepositories(clientsAt(endpoint, 'any-table'), new ManualClock());
    const r = await outcome(() => repos.grants.get(randomUUID()));
    expect(r.error).not.toBeInstanceOf(StorageUnavailableError);
    expect((r.error as Error).name).toBe('ValidationException');
  });
});
