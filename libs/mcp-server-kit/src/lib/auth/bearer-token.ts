/**
 * RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive (RFC 9110 §11.1).
 * Only the header is ever read: §2.2 (form body) and §2.3 (query) are not supported by this server.
 */
const BEARER = /^bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;
const BEARER_SCHEME = /^bearer(?:[ ]|$)/i;

export type BearerCredentials =
  /** No Authorization header, or another scheme: the request carries no bearer credentials. */
  | { kind: 'none' }
  /** `Bearer` with something that is not a b64token: an invalid token. */
  | { kind: 'malformed' }
  | { kind: 'token'; token: string };

export function readBearerCredentials(header: string | undefined): BearerCredentials {
  if (header === undefined || !BEARER_SCHEME.test(header)) return { kind: 'none' };
  const match = BEARER.exec(header);
  return match ? { kind: 'token', token: match[1] as string } : { kind: 'malformed' };
}

/** True when the query string carries `access_token` (RFC 6750 §2.3), which this server refuses. */
export function hasQueryAccessToken(url: string): boolean {
  const q = url.indexOf('?');
  return q !== -1 && new URLSearchParams(url.slice(q + 1)).has('access_token');
}
