import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoClients } from './dynamo-clients';
import { isResourceNotFound } from './errors';

/** Result of `pingTable`: usable or not, and why, in words fit for a health endpoint (no secrets). */
export type TablePing =
  | { ok: true; tableName: string; status: 'ACTIVE'; latencyMs: number }
  | { ok: false; tableName: string; reason: 'not_found' | 'not_active' | 'unavailable'; detail: string; latencyMs: number };

/**
 * Health check: one DescribeTable. Never throws; a stuck endpoint is cut off after `timeoutMs`.
 * Needs `dynamodb:DescribeTable` on the table.
 */
export async function pingTable(clients: DynamoClients, options: { timeoutMs?: number } = {}): Promise<TablePing> {
  const { client, tableName } = clients;
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }), {
      abortSignal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
    });
    const status = Table?.TableStatus ?? 'UNKNOWN';
    if (status === 'ACTIVE') return { ok: true, tableName, status, latencyMs: latency() };
    return { ok: false, tableName, reason: 'not_active', detail: `table status ${status}`, latencyMs: latency() };
  } catch (err) {
    if (isResourceNotFound(err)) {
      return { ok: false, tableName, reason: 'not_found', detail: 'table does not exist', latencyMs: latency() };
    }
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ok: false, tableName, reason: 'unavailable', detail, latencyMs: latency() };
  }
}
