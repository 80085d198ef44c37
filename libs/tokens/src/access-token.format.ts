/**
 * The access-token format, defined once: the gateway mints with it, resource servers validate with it.
 *
 * RFC 9068 §2: a JWT with header `typ: at+jwt` and the claims `iss`, `exp`, `aud`, `sub`, `client_id`,
 * `iat`, `jti` (+ `scope`). Ours: `alg: ES256` with `kid`; `aud` is ONE string (the RFC 8707 resource);
 * `sub` is the Cognito user's `sub`; plus the binding claim `cognito_token` = the Cognito access token
 * as a compact JWE (dir + A256GCM, TOKEN_ENCRYPTION_KEYS), unreadable by the bearer, and `grant_ref` (the grant's
 * one-way reference, matched against the revocation feed).
 * Invariant: `exp` <= the embedded Cognito token's `exp`.
 */
import { SIGNING_ALG } from './keys/signing-keys';

/** RFC 9068 §2.1: the `typ` header value of JWT access tokens. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** Signature algorithm allow-list for gateway access tokens (RFC 8725 §3.1). */
export const ACCESS_TOKEN_ALGORITHMS: readonly string[] = [SIGNING_ALG];

/** Signature algorithm allow-list for Cognito tokens (Cognito signs with RS256). */
export const COGNITO_ALGORITHMS: readonly string[] = ['RS256'];

/** Claim names (the non-registered ones are the ones that can be misspelled). */
export const CLAIMS = {
  issuer: 'iss',
  subject: 'sub',
  audience: 'aud',
  clientId: 'client_id',
  scope: 'scope',
  jwtId: 'jti',
  issuedAt: 'iat',
  expiresAt: 'exp',
  notBefore: 'nbf',
  /** The encrypted Cognito access token (binding claim). */
  cognitoToken: 'cognito_token',
  /**
   * A one-way reference to the grant (refresh-token family) the token was minted from: what the revocation feed names
   * when the grant is revoked (docs/architecture.md#revocation). Never the grant id itself, which is the refresh
   * token's prefix.
   */
  grantRef: 'grant_ref',
} as const;

/** RFC 9068 §2.2 required claims, plus `scope` which our format always carries (possibly empty). */
export const REQUIRED_ACCESS_TOKEN_CLAIMS: readonly string[] = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope'];

/** The claims set of a gateway access token. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  /** Space-delimited scope list (RFC 6749 §3.3), e.g. `mcp-server/read mcp-server/write`. */
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  cognito_token: string;
  /** See {@link CLAIMS.grantRef}. Absent only in tokens minted before the claim existed. */
  grant_ref?: string;
}

/** Longest token string the verifier will look at (an encrypted Cognito token inside is ~2-4 kB). */
export const MAX_TOKEN_LENGTH = 16_384;
