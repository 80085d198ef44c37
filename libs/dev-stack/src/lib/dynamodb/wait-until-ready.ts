import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_DYNAMODB_REGION, localDynamoDbCredentials } from './types';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Rejects early (e.g. the child process exited). Checked between attempts. */
  failed?: () => Error | undefined;
}

/**
 * Polls `ListTables` at `endpoint` until the engine answers it successfully.
 * A TCP listener alone is not enough: DynamoDB Local opens its port before its handlers are ready.
 */
export async function waitUntilDynamoDbAnswers(endpoint: string, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, failed } = options;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_DYNAMODB_REGION,
    credentials: localDynamoDbCredentials(),
    maxAttempts: 1,
    // Without throwOnRequestTimeout the SDK only warns and a hung engine would hold this poll forever.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      const failure = failed?.();
      if (failure) throw failure;
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        const reason = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(`DynamoDB at ${endpoint} did not answer ListTables within ${timeoutMs} ms: ${reason}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    client.destroy();
  }
}
