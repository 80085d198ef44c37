/** Which DynamoDB implementation answers at `endpoint`. */
export type DynamoDbEngine = 'dynalite' | 'dynamodb-local';

/** How the engine runs: in this process, as a `java -jar` child process, or in a container. */
export type DynamoDbRuntime = 'in-process' | 'jar' | 'container';

/** A running embedded DynamoDB. Dev/test only. */
export interface EmbeddedDynamoDb {
  /** Base URL for the AWS SDK's `endpoint` option, e.g. `http://127.0.0.1:43121`. */
  readonly endpoint: string;
  readonly engine: DynamoDbEngine;
  readonly runtime: DynamoDbRuntime;
  /** The engine's own process (`jar` runtime): fault tests stop, pause and resume it with signals. */
  readonly pid?: number;
  /** Stops the engine; every table and item is gone (in-memory). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Static credentials (new object per call) and region to use against the embedded engines. Both ignore signatures, but the
 * SDK must sign something. DynamoDB Local keeps one database per access key + region unless started
 * with `-sharedDb` (our launchers always pass it), so these values do not partition data.
 */
export function localDynamoDbCredentials(): { accessKeyId: string; secretAccessKey: string } {
  // A fresh object each time: the SDK annotates the credentials object it is given.
  return { accessKeyId: 'local', secretAccessKey: 'local' };
}
export const LOCAL_DYNAMODB_REGION = 'local';
