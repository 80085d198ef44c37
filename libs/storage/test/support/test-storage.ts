import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { createDynamoClients, createRepositories, ensureTable, type DynamoClients, type Repositories } from '../../src';
import { ManualClock } from './manual-clock';

export interface TestStorage {
  clients: DynamoClients;
  repos: Repositories;
  clock: ManualClock;
  /** A second, independent client + repositories on the same table (another "instance"). */
  otherInstance(): Repositories;
}

/** The engine started by global-setup.ts. */
export function testEndpoint(): string {
  const endpoint = process.env['STORAGE_TEST_DYNAMODB_ENDPOINT'];
  if (!endpoint) throw new Error('STORAGE_TEST_DYNAMODB_ENDPOINT unset: run through libs/storage/jest.config.cts');
  return endpoint;
}

export function testEngine(): string {
  return process.env['STORAGE_TEST_DYNAMODB_ENGINE'] ?? 'dynalite';
}

/**
 * Gives the calling test file its own table (`<name>-<random>`) on the shared engine, created in
 * beforeAll and deleted in afterAll. Read the fields inside tests, not at module load.
 */
export function useTestStorage(name: string): TestStorage {
  const extra: DynamoClients[] = [];
  const state = {} as TestStorage;
  const tableName = `${name}-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    state.clients = createDynamoClients({ region: 'eu-west-1', endpoint: testEndpoint(), tableName });
    state.clock = new ManualClock();
    await ensureTable(state.clients);
    state.repos = createRepositories(state.clients, state.clock);
    state.otherInstance = () => {
      const clients = createDynamoClients({ region: 'us-east-1', endpoint: testEndpoint(), tableName });
      extra.push(clients);
      return createRepositories(clients, state.clock);
    };
  });
  afterAll(async () => {
    await state.clients?.client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    state.clients?.destroy();
    extra.forEach((c) => c.destroy());
  });
  return state;
}
