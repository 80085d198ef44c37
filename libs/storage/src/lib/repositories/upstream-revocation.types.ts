import type { EncryptedValue } from '../upstream-tokens';

/**
 * A Cognito refresh token whose revocation Cognito did not confirm (docs/architecture.md#revocation): our grant is
 * already ended; this record keeps the Cognito token (sealed, as on the grant) so that the revocation is retried
 * until Cognito confirms it or the token expires by itself (`expiresAt`, also the TTL).
 */
export interface UpstreamRevocationRecord {
  recordId: string;
  /** The grant's one-way reference (never its id), for events and operators. */
  grant: string;
  clientId: string;
  refreshToken: EncryptedValue;
  /** Why our grant ended (GrantRevocationReason). */
  reason: string;
  /** Revocation attempts so far (inline ones included). */
  attempts: number;
  /** What Cognito (or the network) answered last, without any token: `status 400 invalid_request`, `timeout`... */
  lastError: string;
  /** Epoch seconds: not retried before. */
  nextAttemptAt: number;
  /** Epoch seconds: one retrier holds it until then (instances never retry the same record at once). */
  leaseUntil?: number;
  createdAt: number;
  /** Epoch seconds: the Cognito refresh token's own expiry; nothing is left to revoke after it. */
  expiresAt: number;
}

export type NewUpstreamRevocation = Omit<UpstreamRevocationRecord, 'createdAt' | 'leaseUntil'>;
