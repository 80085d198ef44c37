/**
 * Time source for everything in this library. Repositories never read the system time themselves:
 * the clock is injected, so tests can move time and so "expired" means the same thing everywhere.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the epoch (the unit of `expiresAt`, DynamoDB TTL and JWT NumericDate). */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
