import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClientsOptions {
  region: string;
  tableName: string;
  /** e.g. `http://127.0.0.1:8000` for DynamoDB Local / dynalite; omit for AWS. */
  endpoint?: string;
  /** Omit to use the SDK's default chain (task role in AWS). Plain-http endpoints get dummy static credentials. */
  credentials?: DynamoDBClientConfig['credentials'];
  /** Per-request socket timeout; a stuck connection must not hold a request forever. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** The SDK clients plus the table they work on. Pass this to `ensureTable`, `pingTable`, repositories. */
export interface DynamoClients {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Closes the sockets (tests, shutdown). */
  destroy(): void;
}

/** True for endpoints that can only be a local engine (plain http never reaches AWS). */
function isLocalEndpoint(endpoint: string): boolean {
  return new URL(endpoint).protocol === 'http:';
}

/**
 * Creates the DynamoDB client and the document client (plain JS values in and out).
 * Local engines ignore signatures but the SDK must sign: they get static dummy credentials whose key
 * id is alphanumeric, which DynamoDB Local requires.
 */
export function createDynamoClients(options: DynamoClientsOptions): DynamoClients {
  const { region, endpoint, tableName } = options;
  if (!tableName) throw new Error('createDynamoClients: tableName is required');
  const credentials =
    options.credentials ?? (endpoint && isLocalEndpoint(endpoint) ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined);
  const client = new DynamoDBClient({
    region,
    endpoint,
    credentials,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: options.requestTimeoutMs ?? 5_000 },
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  return {
    client,
    doc,
    tableName,
    destroy: () => {
      doc.destroy();
      client.destroy();
    },
  };
}
