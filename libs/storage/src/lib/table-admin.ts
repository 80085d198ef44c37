import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoClients } from './dynamo-clients';
import { isResourceInUse, isResourceNotFound, isUnknownOperation, isValidationError } from './errors';
import { TTL_ATTRIBUTE, tableDefinition } from './table-definition';

export interface EnsureTableResult {
  /** False when the table already existed. */
  created: boolean;
  /** `unsupported`: the engine has no UpdateTimeToLive (dynalite); reads check `expiresAt` anyway. */
  ttl: 'enabled' | 'unsupported';
}

/**
 * Creates the table if it does not exist, waits until ACTIVE, and enables TTL on `expiresAt`.
 * Idempotent and safe to run from several instances at once (ResourceInUse = someone else created it).
 * For local engines and tests; in AWS the CDK data stack owns the table.
 */
export async function ensureTable(clients: DynamoClients, options: { timeoutMs?: number } = {}): Promise<EnsureTableResult> {
  const { client, tableName } = clients;
  let created = true;
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (err) {
    if (!isResourceInUse(err)) throw err;
    created = false;
  }
  await waitUntilActive(clients, options.timeoutMs ?? 30_000);
  return { created, ttl: await enableTtl(clients) };
}

async function waitUntilActive(clients: DynamoClients, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs; // operational wait, not a business rule: wall clock is fine
  for (;;) {
    try {
      const { Table } = await clients.client.send(new DescribeTableCommand({ TableName: clients.tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
    } catch (err) {
      if (!isResourceNotFound(err)) throw err; // eventual consistency right after CreateTable
    }
    if (Date.now() > deadline) throw new Error(`table ${clients.tableName} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function enableTtl(clients: DynamoClients): Promise<EnsureTableResult['ttl']> {
  const { client, tableName } = clients;
  try {
    if (await ttlEnabled(clients)) return 'enabled';
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        }),
      );
    } catch (err) {
      // Another instance enabled TTL between our Describe and Update (instances starting together on a fresh
      // table): DynamoDB refuses the second Update ("TimeToLive is already enabled"). What we wanted is there.
      if (isValidationError(err) && (await ttlEnabled(clients))) return 'enabled';
      throw err;
    }
    return 'enabled';
  } catch (err) {
    // dynalite implements DescribeTimeToLive but not UpdateTimeToLive. Only that failure is tolerated.
    if (isUnknownOperation(err)) return 'unsupported';
    throw err;
  }
}

/** TTL is on (or being turned on) for our attribute. */
async function ttlEnabled({ client, tableName }: DynamoClients): Promise<boolean> {
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  return ttl?.AttributeName === TTL_ATTRIBUTE && (ttl.TimeToLiveStatus === 'ENABLED' || ttl.TimeToLiveStatus === 'ENABLING');
}
