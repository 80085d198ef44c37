/**
 * Time source for every rule that depends on "now".
 *
 * Logic in this library never calls `Date.now()` itself: callers inject a clock so that tests can move
 * time and so that one request sees one consistent "now". (jose's remote JWKS cache keeps its own
 * wall-clock timers for cache age and cool-down; those are operational, not validation, decisions.)
 */

/** Milliseconds since the Unix epoch, like `Date.now()`. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

/** JWT NumericDate (RFC 7519 §2): whole seconds since the epoch, rounded down. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
