/**
 * The revocation feed (docs/architecture.md#revocation): what MCP servers must refuse, time-ordered.
 * - `grant`: every access token whose grant reference (`grant_ref` claim) is `ref`.
 * - `user`: every access token of the user `ref` (a Cognito `sub`) issued at or before `revokedAtMs`.
 */
export type RevocationTarget = 'grant' | 'user';

export interface RevocationEntry {
  target: RevocationTarget;
  /** A grant reference (never the grant id: that is the refresh token's prefix) or a user's `sub`. */
  ref: string;
  /** Epoch milliseconds by the writer's clock; the feed's order. */
  revokedAtMs: number;
  /** Why (`revoked_by_client`, `refresh_token_reuse`, `admin`, `signed_out_everywhere`, ...): for operators. */
  reason: string;
  /** Epoch seconds: once every token the entry covers has expired, the entry is dropped (read as absent, TTL deletes it). */
  expiresAt: number;
}

export interface NewRevocationEntry {
  target: RevocationTarget;
  ref: string;
  reason: string;
  /**
   * How long tokens the entry covers can still be valid, in seconds: the longest access-token lifetime plus the
   * resource servers' clock tolerance. The entry lives that long from now.
   */
  coverSeconds: number;
  /**
   * The entry's time, epoch ms, when the caller has a better one than the writer's clock (a user revocation's
   * cut-off, libs/storage `UserRevocationRepository.mark`). Never earlier than the writer's clock: a later time only
   * covers more tokens and sorts later in the feed (so running servers still read it).
   */
  revokedAtMs?: number;
}

/** One read of the feed. */
export interface RevocationFeedPage {
  /** Live entries written at or after the requested time, oldest first. */
  entries: RevocationEntry[];
  /** DynamoDB requests it took (one Query page each): the feed's cost, for the metric. */
  requests: number;
  /** The page limit was reached before the end: entries after the last one returned were not read yet. */
  truncated?: boolean;
}
