import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_STORAGE_DEADLINES, type StorageDeadlines } from './deadlines';
import type { StorageUnavailableReason } from './unavailable';

export interface DynamoClientsOptions {
  region: string;
  tableName: string;
  /** e.g. `http://127.0.0.1:8000` for DynamoDB Local / dynalite; omit for AWS. */
  endpoint?: string;
  /** Omit to use the SDK's default chain (task role in AWS). Plain-http endpoints get dummy static credentials. */
  credentials?: DynamoDBClientConfig['credentials'];
  /** Overrides of {@link DEFAULT_STORAGE_DEADLINES} (tests); every operation is bounded either way. */
  deadlines?: Partial<StorageDeadlines>;
  /** Told of every operation that ended as an outage (a metric; never the request or its data). */
  onUnavailable?: (reason: StorageUnavailableReason) => void;
}

/** The SDK clients plus the table they work on. Pass this to `ensureTable`, `pingTable`, repositories. */
export interface DynamoClients {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The bounds every repository operation runs under (the SDK clients already carry the per-attempt ones). */
  readonly deadlines: Readonly<StorageDeadlines>;
  /** See {@link DynamoClientsOptions.onUnavailable}. */
  readonly onUnavailable?: (reason: StorageUnavailableReason) => void;
  /**
   * The table endpoint's clock as last seen: the `Date` header (RFC 9110 §6.6.1, second precision) of the latest
   * response, in epoch ms; undefined before the first response. A lower bound of the real time when read, whatever
   * this machine's clock says: revocation cut-offs use it so that a writer whose clock is behind (an operator's
   * laptop) still covers every token issued before its revocation (libs/storage `UserRevocationRepository`).
   */
  tableDateMs(): number | undefined;
  /** Closes the sockets (tests, shutdown). */
  destroy(): void;
}

/** True for endpoints that can only be a local engine (plain http never reaches AWS). */
function isLocalEndpoint(endpoint: string): boolean {
  return new URL(endpoint).protocol === 'http:';
}

/**
 * Creates the DynamoDB client and the document client (plain JS values in and out), with real deadlines: a
 * connection timeout, a per-attempt timeout that throws (`throwOnRequestTimeout`: without it the SDK's
 * `requestTimeout` only logs a warning and the request hangs on), and the standard retry mode (jittered
 * exponential backoff) for `maxAttempts`. Repositories add the per-operation budget.
 * Local engines ignore signatures but the SDK must sign: they get static dummy credentials whose key
 * id is alphanumeric, which DynamoDB Local requires.
 */
export function createDynamoClients(options: DynamoClientsOptions): DynamoClients {
  const { region, endpoint, tableName } = options;
  if (!tableName) throw new Error('createDynamoClients: tableName is required');
  const deadlines: StorageDeadlines = { ...DEFAULT_STORAGE_DEADLINES, ...options.deadlines };
  const credentials =
    options.credentials ?? (endpoint && isLocalEndpoint(endpoint) ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined);
  const client = new DynamoDBClient({
    region,
    endpoint,
    credentials,
    maxAttempts: deadlines.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: deadlines.connectionTimeoutMs,
      requestTimeout: deadlines.attemptTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  let tableDateMs: number | undefined;
  // Reads the Date header of every successful response. Never fails a request: a missing or malformed header leaves
  // the last value.
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const date = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers?.['date'];
      const ms = date === undefined ? Number.NaN : Date.parse(date);
      if (Number.isFinite(ms)) tableDateMs = Math.max(tableDateMs ?? 0, ms);
      return result;
    },
    { step: 'deserialize', name: 'mcpCognitoTableDate', override: true },
  );
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  return {
    client,
    doc,
    tableName,
    deadlines: Object.freeze(deadlines),
    onUnavailable: options.onUnavailable,
    tableDateMs: () => tableDateMs,
    destroy: () => {
      doc.destroy();
      client.destroy();
    },
  };
}
