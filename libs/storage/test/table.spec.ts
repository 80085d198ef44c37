import { DeleteTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from '@mcp-cognito/dev-stack';
import { createDynamoClients, ensureTable, pingTable, TTL_ATTRIBUTE, type DynamoClients } from '../src';
import { testEndpoint, testEngine } from './support/test-storage';

const opened: DynamoClients[] = [];
function clientsFor(tableName: string, endpoint = testEndpoint()): DynamoClients {
  const clients = createDynamoClients({ region: 'eu-west-1', endpoint, tableName, deadlines: { maxAttempts: 1 } });
  opened.push(clients);
  return clients;
}
afterAll(() => opened.forEach((c) => c.destroy()));

describe('ensureTable creates the single table idempotently', () => {
  it('creates once, then reports it existed; TTL on expiresAt where the engine supports it', async () => {
    const clients = clientsFor(`ensure-${Date.now()}`);
    const first = await ensureTable(clients);
    const again = await Promise.all([ensureTable(clients), ensureTable(clients)]);
    expect(first.created).toBe(true);
    expect(again.map((r) => r.created)).toEqual([false, false]);
    if (testEngine() === 'dynalite') {
      expect(first.ttl).toBe('unsupported'); // dynalite: no UpdateTimeToLive
    } else {
      expect(first.ttl).toBe('enabled');
      const ttl = await clients.client.send(new DescribeTimeToLiveCommand({ TableName: clients.tableName }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: TTL_ATTRIBUTE, TimeToLiveStatus: 'ENABLED' });
    }
  });

  it('two instances starting together on a fresh table both come up (the one that loses the TTL race finds it enabled)', async () => {
    const name = `ensure-race-${Date.now()}`;
    const first = clientsFor(name);
    const second = clientsFor(name);
    // Both read "TTL off", then the second one's UpdateTimeToLive reaches the engine only after the first
    // one's succeeded (the order seen when the gateway and tools images started together on a fresh table).
    let firstDone!: () => void;
    const firstFinished = new Promise<void>((resolve) => (firstDone = resolve));
    let secondDescribed!: () => void;
    const secondHasDescribed = new Promise<void>((resolve) => (secondDescribed = resolve));
    first.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateTimeToLiveCommand') await secondHasDescribed;
        return next(args);
      },
      { step: 'initialize' },
    );
    second.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateTimeToLiveCommand') await firstFinished;
        const result = await next(args);
        if (context.commandName === 'DescribeTimeToLiveCommand') secondDescribed();
        return result;
      },
      { step: 'initialize' },
    );
    const secondResult = ensureTable(second);
    const firstResult = await ensureTable(first).finally(firstDone);
    const expected = testEngine() === 'dynalite' ? 'unsupported' : 'enabled';
    expect([firstResult.ttl, (await secondResult).ttl]).toEqual([expected, expected]);
  });

  it('several processes creating the same fresh table at once all succeed: one creates, TTL enabled once (start-up race)', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const name = `race-${Date.now()}-${trial}`;
      const instances = [clientsFor(name), clientsFor(name), clientsFor(name)];
      const results = await Promise.all(instances.map((clients) => ensureTable(clients)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.ttl)).size).toBe(1);
      await clientsFor(name).client.send(new DeleteTableCommand({ TableName: name }));
    }
  });

  it('waits for an engine that is not listening yet, then gives up at its deadline', async () => {
    const clients = clientsFor('never', `http://127.0.0.1:${await freePort()}`);
    const started = Date.now();
    await expect(ensureTable(clients, { timeoutMs: 1_000 })).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('does not swallow TTL failures other than "operation unknown"', async () => {
    const clients = clientsFor(`ensure-ttl-${Date.now()}`);
    clients.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateTimeToLiveCommand') {
          throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    await expect(ensureTable(clients)).rejects.toThrow('not allowed');
  });
});

describe('pingTable reports table health without throwing', () => {
  it('ok for an ACTIVE table, not_found for a missing one, unavailable when nothing listens', async () => {
    const clients = clientsFor(`ping-${Date.now()}`);
    await ensureTable(clients);
    expect(await pingTable(clients)).toMatchObject({ ok: true, status: 'ACTIVE', tableName: clients.tableName });
    expect(await pingTable(clientsFor('no-such-table'))).toMatchObject({ ok: false, reason: 'not_found' });
    const dead = clientsFor('any', `http://127.0.0.1:${await freePort()}`);
    expect(await pingTable(dead, { timeoutMs: 1_000 })).toMatchObject({ ok: false, reason: 'unavailable' });
  });
});
