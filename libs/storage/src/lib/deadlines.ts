/**
 * How long one storage operation may take (docs/architecture.md#storage, "Bounded time"). A DynamoDB request
 * normally answers in single-digit milliseconds; these bounds only decide how fast an outage or a brownout turns
 * into an honest `503` instead of a pile-up of waiting requests and sockets.
 *
 * - `connectionTimeoutMs`: TCP connect to the endpoint (the gateway VPC endpoint in AWS, loopback locally).
 * - `attemptTimeoutMs`: one HTTP attempt, from the request to the response headers. The SDK's `requestTimeout`
 *   only logs a warning unless its handler is told to throw (`throwOnRequestTimeout`), which we do.
 * - `maxAttempts`: the SDK's standard retry mode (exponential backoff with full jitter, a retry quota per
 *   client) on throttling, timeouts, resets and 5xx; at most this many attempts.
 * - `budgetMs`: the whole operation, retries and backoff included, is aborted after this long. Well below the ALB
 *   idle timeout (65 s) and the CloudFront read timeout (60 s), so the service, not the edge, answers.
 * - `retryAfterSeconds`: what a client is told to wait (`Retry-After`) when the table did not answer.
 */
export interface StorageDeadlines {
  connectionTimeoutMs: number;
  attemptTimeoutMs: number;
  maxAttempts: number;
  budgetMs: number;
  retryAfterSeconds: number;
}

/**
 * The defaults: a paused or unreachable table answers `503` after at most 2.5 s (two 1 s attempts and a jittered
 * backoff, the third cut by the budget); a refused connection fails all three attempts in milliseconds.
 */
export const DEFAULT_STORAGE_DEADLINES: Readonly<StorageDeadlines> = Object.freeze({
  connectionTimeoutMs: 1_000,
  attemptTimeoutMs: 1_000,
  maxAttempts: 3,
  budgetMs: 2_500,
  retryAfterSeconds: 5,
});
