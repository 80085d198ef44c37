import type { UpstreamTokenSet } from '../upstream-tokens';

/**
 * A refresh-token family (docs/architecture.md#tokens): one item per grant. Refresh tokens are `<grantId>.<secret>` and
 * only SHA-256 hashes of them are stored; the Cognito tokens are ciphertext (UpstreamTokenSet).
 */
export interface GrantRecord {
  grantId: string;
  clientId: string;
  sub: string;
  username: string;
  scope: string;
  resource: string;
  /**
   * The redirect URI the authorization answered to (the account page shows its host). Absent on grants created before
   * it was recorded: the page then names the client's registered redirect hosts.
   */
  redirectUri?: string;
  /** Hash of the only refresh token that rotates normally. */
  currentRefreshHash: string;
  /** Hash of the token rotated out last: reuse within the grace window is a concurrent refresh. */
  previousRefreshHash?: string;
  /**
   * Epoch seconds of the last rotation: also the grant's "last used" on the account page (the client's last refresh;
   * tool calls write nothing, docs/architecture.md#revocation).
   */
  rotatedAt?: number;
  /** 0 at creation, +1 per rotation: the optimistic-lock version of the family. */
  generation: number;
  /** The generation at which the one late replay of the rotated-out token (a client's retry) was served. */
  lateReplayGeneration?: number;
  status: 'active' | 'revoked';
  revokedReason?: GrantRevocationReason;
  revokedAt?: number;
  upstream: UpstreamTokenSet;
  /** Present while one request refreshes the Cognito tokens for the whole family (single flight, all instances). */
  refreshLease?: RefreshLease;
  createdAt: number;
  /**
   * Epoch seconds when the authorization behind the grant began (the sign-in's pending authorization): a user
   * revocation at or after it refuses the grant's refreshes, even when the grant was created after the revocation
   * listed the user's grants. Absent on grants written before it existed: `createdAt` then.
   */
  authorizedAt?: number;
  /** Absolute end of the grant (epoch seconds), also the TTL. */
  expiresAt: number;
}

/**
 * The short lease one request holds on a grant while it calls Cognito for the family, so that concurrent
 * refreshes on any instance call Cognito once and reuse the result. `failure` marks a lease kept after Cognito
 * could not answer: until `untilMs`, other requests answer "try again" instead of calling Cognito themselves.
 */
export interface RefreshLease {
  /** Random id of the holding request. */
  owner: string;
  /** Epoch milliseconds; after it the lease is free for anyone. */
  untilMs: number;
  failure?: { reason: string; retryAfterSeconds: number };
}

export type AcquireLeaseResult =
  | { status: 'acquired'; grant: GrantRecord }
  /** Someone else holds a live lease, the family moved on, or it ended: `current` says which. */
  | { status: 'unavailable'; current: GrantRecord }
  | { status: 'not_found' };

/**
 * Why a grant ended. `code_not_redeemed`: the grant was created for a code redemption that then did not happen (the
 * code expired or was taken by a concurrent request between the checks and the consuming write); no token of it was
 * ever handed out. `revoked_by_user`: "Revoke" on the account page; `signed_out_everywhere`: its "Sign out everywhere".
 */
export type GrantRevocationReason =
  | 'revoked_by_client'
  | 'refresh_token_reuse'
  | 'code_replay'
  | 'code_not_redeemed'
  | 'upstream_revoked'
  | 'admin'
  | 'revoked_by_user'
  | 'signed_out_everywhere';

export type NewGrant = Omit<
  GrantRecord,
  'generation' | 'status' | 'createdAt' | 'previousRefreshHash' | 'rotatedAt' | 'revokedAt' | 'revokedReason' | 'lateReplayGeneration' | 'refreshLease'
>;

export interface RotateInput {
  /** Rotate only if this is still the current hash (the token the client presented)... */
  expectedCurrentHash?: string;
  /** ...or only if the family is still at this generation. At least one is required. */
  expectedGeneration?: number;
  newHash: string;
  /** Written in the same UpdateItem: refreshed Cognito tokens, a new absolute expiry. */
  updates?: { upstream?: UpstreamTokenSet; expiresAt?: number; /** Narrowed when Cognito grants fewer scopes on refresh. */ scope?: string };
  /** Ends the refresh lease in the same write (the holder stores what Cognito answered). */
  releaseLease?: boolean;
}

/** `conflict`: the condition failed; `current` is the grant as it is now (revoked, rotated, ...). */
export type GrantWriteResult =
  | { status: 'ok'; grant: GrantRecord }
  | { status: 'conflict'; current: GrantRecord }
  | { status: 'not_found' };

export type RevokeGrantResult =
  | { status: 'revoked'; grant: GrantRecord }
  | { status: 'already_revoked'; grant: GrantRecord }
  | { status: 'not_found' };
