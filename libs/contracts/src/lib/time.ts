/**
 * Time, for every rule that depends on "now" (token lifetimes, code expiry, grace windows, TTLs).
 *
 * Logic never calls `Date.now()` itself: the clock is injected, so that tests can move time and one request sees
 * one consistent "now". (jose's remote JWKS cache keeps its own wall-clock timers for cache age and cool-down;
 * those are operational, not validation, decisions.)
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the epoch: JWT NumericDate (RFC 7519 §2), DynamoDB TTL and `expiresAt`. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
