import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoClients } from './dynamo-clients';
import { isResourceInUse, isResourceNotFound, isUnknownOperation, isValidationError } from './errors';
import { TTL_ATTRIBUTE, tableDefinition } from './table-definition';
import { storageOutageReason } from './unavailable';

export interface EnsureTableResult {
  /** False when the table already existed (or another process created it first). */
  created: boolean;
  /** `unsupported`: the engine has no UpdateTimeToLive (dynalite); reads check `expiresAt` anyway. */
  ttl: 'enabled' | 'unsupported';
}

/**
 * Creates the table if it does not exist, waits until ACTIVE, and enables TTL on `expiresAt`.
 * Idempotent and safe to run from several processes at once - which is exactly how docker compose and
 * `npm start` start the services: a CreateTable that loses the race (ResourceInUse) and an UpdateTimeToLive that
 * loses it (ValidationException "already enabled") both mean someone else did it, and are confirmed by reading the
 * table back. An engine that is still starting (refused connections) is waited for until `timeoutMs`.
 * For local engines and tests only; in AWS the CDK data stack owns the table.
 */
export async function ensureTable(clients: DynamoClients, options: { timeoutMs?: number } = {}): Promise<EnsureTableResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000); // operational wait, not a business rule: wall clock is fine
  const created = await untilDeadline(deadline, () => createTable(clients));
  await untilDeadline(deadline, () => waitUntilActive(clients, deadline));
  return { created, ttl: await untilDeadline(deadline, () => enableTtl(clients)) };
}

/** Runs `step`, again after 200 ms while the engine is unreachable or slow (still starting), until `deadline`. */
async function untilDeadline<T>(deadline: number, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (err) {
      const transient = storageOutageReason(err) !== undefined && !isResourceNotFound(err);
      if (!transient || Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function createTable({ client, tableName }: DynamoClients): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    return true;
  } catch (err) {
    if (isResourceInUse(err)) return false;
    throw err;
  }
}

async function waitUntilActive(clients: DynamoClients, deadline: number): Promise<void> {
  for (;;) {
    try {
      const { Table } = await clients.client.send(new DescribeTableCommand({ TableName: clients.tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
    } catch (err) {
      if (!isResourceNotFound(err)) throw err; // eventual consistency right after CreateTable
    }
    if (Date.now() > deadline) throw new Error(`table ${clients.tableName} not ACTIVE in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ttlIsOn(ttl: TimeToLiveDescription | undefined): boolean {
  return ttl?.AttributeName === TTL_ATTRIBUTE && (ttl.TimeToLiveStatus === 'ENABLED' || ttl.TimeToLiveStatus === 'ENABLING');
}

async function describeTtl({ client, tableName }: DynamoClients): Promise<TimeToLiveDescription | undefined> {
  return (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
}

async function enableTtl(clients: DynamoClients): Promise<EnsureTableResult['ttl']> {
  try {
    if (ttlIsOn(await describeTtl(clients))) return 'enabled';
    await clients.client.send(
      new UpdateTimeToLiveCommand({
        TableName: clients.tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return 'enabled';
  } catch (err) {
    // dynalite implements DescribeTimeToLive but not UpdateTimeToLive. Only that failure is tolerated.
    if (isUnknownOperation(err)) return 'unsupported';
    // Another process enabled it between our read and our update (DynamoDB Local: "TimeToLive is already
    // enabled"; DynamoDB: a change already in progress). Not a failure if the table now says TTL is on.
    if (isValidationError(err) && ttlIsOn(await describeTtl(clients))) return 'enabled';
    throw err;
  }
}
