/**
 * Why the table could not serve a request. None of them is the caller's fault, and the same request may succeed
 * later: the services answer `503` + `Retry-After` (OAuth `temporarily_unavailable`, RFC 6749 §4.1.2.1 / §5.2), an
 * honest page, or a "try again" tool error.
 *
 * - `timeout`: no answer within the operation's budget (a paused or overloaded engine, a stuck network path);
 * - `unreachable`: the connection was refused, reset or could not be routed;
 * - `throttled`: DynamoDB throttled the request past the retries;
 * - `engine_error`: DynamoDB answered with a server-side error (5xx) past the retries;
 * - `table_missing`: the table does not exist (yet): a deployment or local start-up problem;
 * - `credentials`: no credentials could be obtained to sign the request (the task role's endpoint did not answer).
 */
export type StorageUnavailableReason = 'timeout' | 'unreachable' | 'throttled' | 'engine_error' | 'table_missing' | 'credentials';

/**
 * The table could not serve a request in time. Thrown by every repository method instead of the SDK's own error
 * when the failure is an outage, not a bug or a failed condition; `cause` keeps the SDK error for the log.
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';

  constructor(
    readonly reason: StorageUnavailableReason,
    /** What a client should wait before trying again (`Retry-After`, RFC 9110 §10.2.3). */
    readonly retryAfterSeconds: number,
    options: { cause?: unknown } = {},
  ) {
    super(`storage unavailable (${reason})`, options);
  }
}

/** True for the typed outage condition (also across a serialisation boundary that kept the name). */
export function isStorageUnavailable(error: unknown): error is StorageUnavailableError {
  return error instanceof StorageUnavailableError;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const THROTTLING_NAMES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

/**
 * The socket error code named in a message. The SDK's retry layer re-wraps an error that is not an `Error` of its
 * own realm (`AWS SDK error wrapper for Error: connect ECONNREFUSED ...`), keeping only the text.
 */
function socketCodeIn(message: unknown): string {
  if (typeof message !== 'string') return '';
  return /\b(E[A-Z]{4,15})\b/.exec(message)?.[1] ?? '';
}

/**
 * Classifies a failed storage call: an outage reason, or `undefined` for everything else (a failed condition, a
 * validation error - those are answers or bugs, never "try again later"). `budgetExpired`: the operation's own
 * deadline aborted it.
 */
export function storageOutageReason(error: unknown, budgetExpired = false, depth = 0): StorageUnavailableReason | undefined {
  if (budgetExpired) return 'timeout';
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const e = error as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : socketCodeIn(e.message);
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') return 'timeout';
  if (UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (THROTTLING_NAMES.has(name)) return 'throttled';
  if (name === 'ResourceNotFoundException') return 'table_missing';
  if (name === 'CredentialsProviderError') return 'credentials';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'engine_error';
  // Node wraps some socket failures (e.g. an AggregateError of IPv4/IPv6 attempts) around the real one.
  return e.cause === undefined ? undefined : storageOutageReason(e.cause, false, depth + 1);
}
