import { randomToken, sha256Hex } from '../http/secrets';

/**
 * Refresh tokens are opaque to clients: `<grantId>.<secret>`. The grant id makes the family a single
 * GetItem away (no index), and only the SHA-256 of the whole token is stored (DESIGN.md §3-§4).
 */
export function newRefreshToken(grantId: string): { token: string; hash: string } {
  const token = `${grantId}.${randomToken(32)}`;
  return { token, hash: sha256Hex(token) };
}

export function newGrantId(): string {
  return `g_${randomToken(16)}`;
}

export function parseRefreshToken(token: unknown): { grantId: string; hash: string } | undefined {
  if (typeof token !== 'string' || token.length > 200) return undefined;
  const m = /^(g_[A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/.exec(token);
  return m ? { grantId: m[1]!, hash: sha256Hex(token) } : undefined;
}
