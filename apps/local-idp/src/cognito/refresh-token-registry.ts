import { randomBytes } from 'node:crypto';

/** What one refresh token handed to a client stands for. */
interface Entry {
  /** oidc-provider's refresh token of the sign-in (never given out). */
  inner: string;
  clientId: string;
  /** Epoch seconds: the sign-in's original refresh-token expiry, kept by every rotated successor. */
  expiresAt: number;
  /** Epoch milliseconds at which a successor replaced it (rotation on). */
  rotatedAtMs?: number;
}

export type Resolution =
  | { ok: true; inner: string; clientId: string; expiresAt: number }
  | { ok: false; reason: 'unknown' | 'expired' | 'rotated_out' };

/** The header of Cognito's refresh tokens, which are JWEs: `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`. */
const JWE_HEADER = Buffer.from(
  JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' }),
).toString('base64url');

/** Bound on remembered tokens (like oidc-provider's in-memory adapter): the oldest go first. */
const MAX_ENTRIES = 20_000;

/**
 * The refresh tokens clients see. oidc-provider keeps one refresh token per sign-in and never rotates it; local-idp
 * hands out Cognito-shaped tokens (five-part JWE layout, opaque) that point at it, and implements Cognito's
 * refresh-token rotation on top
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html):
 * each refresh returns a new refresh token that is valid for the remaining time of the original; the one it
 * replaces keeps working for `RetryGracePeriodSeconds` (0-60) and then fails with `invalid_grant`, without ending
 * the sign-in. Without rotation a refresh returns no refresh token and the original stays valid.
 */
export class RefreshTokenRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly graceSeconds: () => number,
    private readonly nowMs: () => number = () => Date.now(),
  ) {}

  /** A new client-facing token for `inner`. */
  issue(inner: string, clientId: string, expiresAt: number): string {
    const token = [
      JWE_HEADER,
      randomBytes(256).toString('base64url'),
      randomBytes(12).toString('base64url'),
      randomBytes(384).toString('base64url'),
      randomBytes(16).toString('base64url'),
    ].join('.');
    this.entries.set(token, { inner, clientId, expiresAt });
    if (this.entries.size > MAX_ENTRIES) this.evictOldest();
    return token;
  }

  /** Whether `token` may be used now, and what it stands for. */
  resolve(token: string): Resolution {
    const entry = this.entries.get(token);
    if (!entry) return { ok: false, reason: 'unknown' };
    const now = this.nowMs();
    if (entry.expiresAt * 1000 <= now) {
      this.entries.delete(token);
      return { ok: false, reason: 'expired' };
    }
    // A grace period of 0 invalidates the submitted token at once (RefreshTokenRotationType).
    if (
      entry.rotatedAtMs !== undefined &&
      now - entry.rotatedAtMs >= this.graceSeconds() * 1000
    ) {
      return { ok: false, reason: 'rotated_out' };
    }
    return {
      ok: true,
      inner: entry.inner,
      clientId: entry.clientId,
      expiresAt: entry.expiresAt,
    };
  }

  /** The token that stands for `inner` whatever its state (revocation accepts rotated-out tokens too). */
  innerOf(token: string): string | undefined {
    return this.entries.get(token)?.inner;
  }

  /** `token` was replaced by a successor now; a retry inside the grace period keeps the first replacement time. */
  markRotated(token: string): void {
    const entry = this.entries.get(token);
    if (entry && entry.rotatedAtMs === undefined)
      entry.rotatedAtMs = this.nowMs();
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
