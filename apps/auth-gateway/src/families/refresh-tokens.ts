import type { MacKeyRing } from '@mcp-cognito/tokens';
import { randomToken, sha256Hex } from '../keys/secrets';

/** A refresh token that passed its MAC check: it was issued by this gateway (with one of `REFRESH_TOKEN_KEYS`). */
export interface IssuedRefreshToken {
  token: string;
  grantId: string;
  /** SHA-256 of the whole token: what the grant family stores. */
  hash: string;
}

const FORMAT = /^(g_[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{43})$/;
const KID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Refresh tokens are opaque to clients: `<grant id>.<body>.<kid>.<tag>`.
 * - The grant id makes the family a single GetItem away (no index); only the SHA-256 of the whole token is stored.
 * - `body` is 256 random bits for a grant's first token; a successor's body is derived from the token it replaces
 *   (HMAC under `REFRESH_TOKEN_KEYS`), so every concurrent or retried refresh with one token computes the same
 *   successor without keeping extra state (OAuth 2.1 §4.3.1 rotation with a grace window).
 * - `tag` is an HMAC of grant id and body under the key `kid`: a token that fails it was never issued here, and is
 *   refused as plain `invalid_grant` with no side effect - it can never count as reuse and revoke a victim's family
 *   (RFC 9700 §4.14.2 reuse detection applies only to tokens we issued).
 */
export class RefreshTokens {
  constructor(private readonly ring: MacKeyRing) {
    for (const kid of ring.kids) {
      if (!KID.test(kid)) throw new Error(`REFRESH_TOKEN_KEYS: kid "${kid.slice(0, 40)}" must be 1-32 characters of [A-Za-z0-9_-] (it travels in the token)`);
    }
  }

  /** The first refresh token of a grant. */
  first(grantId: string): IssuedRefreshToken {
    return this.build(grantId, randomToken(32), this.ring.active.kid);
  }

  /**
   * The successor of `presented` in its family, MACed with the active key. `candidates` adds the successor under
   * every other key of the ring: a refresh retried across a key rotation is still recognised as the same one.
   */
  successor(presented: IssuedRefreshToken): IssuedRefreshToken {
    return this.successorWith(presented, this.ring.active.kid);
  }

  successorCandidates(presented: IssuedRefreshToken): IssuedRefreshToken[] {
    return this.ring.kids.map((kid) => this.successorWith(presented, kid));
  }

  /** The token if it is one this gateway issued (format and MAC), else `undefined`. Constant-time tag check. */
  verify(token: unknown): IssuedRefreshToken | undefined {
    if (typeof token !== 'string' || token.length > 200) return undefined;
    const m = FORMAT.exec(token);
    if (!m) return undefined;
    const [, grantId, body, kid, tag] = m as unknown as [string, string, string, string, string];
    if (!this.ring.verify(kid, 'refresh-token', `${grantId}.${body}`, tag)) return undefined;
    return { token, grantId, hash: sha256Hex(token) };
  }

  private successorWith(presented: IssuedRefreshToken, kid: string): IssuedRefreshToken {
    const key = this.ring.byKid(kid)!;
    const body = this.ring.mac(key, 'refresh-successor', presented.token);
    return this.build(presented.grantId, body, kid);
  }

  private build(grantId: string, body: string, kid: string): IssuedRefreshToken {
    const tag = this.ring.mac(this.ring.byKid(kid)!, 'refresh-token', `${grantId}.${body}`);
    const token = `${grantId}.${body}.${kid}.${tag}`;
    return { token, grantId, hash: sha256Hex(token) };
  }
}

export function newGrantId(): string {
  return `g_${randomToken(16)}`;
}

/** The grant's one-way reference (libs/storage: one derivation for the gateway, the feed and the offboarding tools). */
export { grantReference } from '@mcp-cognito/storage';
