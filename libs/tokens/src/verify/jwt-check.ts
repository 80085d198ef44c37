/**
 * One JWT signature + claims check with jose, shared by the gateway-token and Cognito-token rules.
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { JWTHeaderParameters, JWTPayload, JWTVerifyGetKey } from 'jose';
import { classifyJoseError } from './jose-errors';
import type { JwtCheckFailure } from './jose-errors';

/** What to check. Times are epoch milliseconds / seconds as named. */
export interface JwtCheckOptions {
  /** RFC 8725 §3.1: the only acceptable `alg` values. */
  algorithms: readonly string[];
  issuer: string;
  /** Checked when given (jose `audience`). */
  audience?: string;
  /** RFC 9068 §4 / RFC 8725 §3.11: explicit typing, checked when given. */
  typ?: string;
  requiredClaims: readonly string[];
  nowMs: number;
  clockToleranceSeconds: number;
}

/** Result of {@link checkJwt}. */
export type JwtCheckResult =
  | { ok: true; payload: JWTPayload; header: JWTHeaderParameters }
  | { ok: false; reason: JwtCheckFailure; detail: string };

/**
 * Verifies a compact JWS JWT: header sanity (alg allow-list, `kid` present) before any key lookup, then
 * signature, `typ`, `iss`, `aud`, `nbf`, `exp` (jose), then `iat` not in the future (jose checks `iat`
 * only with `maxTokenAge`).
 */
export async function checkJwt(token: string, getKey: JWTVerifyGetKey, options: JwtCheckOptions): Promise<JwtCheckResult> {
  if (token.split('.').length !== 3) return { ok: false, reason: 'malformed', detail: 'not a compact JWS (3 segments)' };
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'protected header is not valid' };
  }
  // RFC 8725 §3.1: `none` and anything else outside the allow-list is refused before any key lookup.
  if (typeof header.alg !== 'string' || !options.algorithms.includes(header.alg)) {
    return { ok: false, reason: 'unsupported_alg', detail: `alg ${JSON.stringify(String(header.alg)).slice(0, 40)} is not allowed` };
  }
  // Our issuers always send `kid` (RFC 7515 §4.1.4); without it a multi-key JWKS is ambiguous.
  if (typeof header.kid !== 'string' || header.kid === '') return { ok: false, reason: 'malformed', detail: 'no "kid" header' };

  let payload: JWTPayload;
  let verifiedHeader: JWTHeaderParameters;
  try {
    const result = await jwtVerify(token, getKey, {
      algorithms: [...options.algorithms],
      issuer: options.issuer,
      audience: options.audience,
      typ: options.typ,
      requiredClaims: [...options.requiredClaims],
      clockTolerance: options.clockToleranceSeconds,
      currentDate: new Date(options.nowMs),
    });
    payload = result.payload;
    verifiedHeader = result.protectedHeader;
  } catch (err) {
    const { reason, detail } = classifyJoseError(err);
    return { ok: false, reason, detail };
  }
  const nowSeconds = Math.floor(options.nowMs / 1000);
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return { ok: false, reason: 'malformed', detail: '"iat" must be a number' };
    // RFC 7519 §4.1.6 + skew: a token issued in the future is not valid yet.
    if (payload.iat > nowSeconds + options.clockToleranceSeconds) {
      return { ok: false, reason: 'not_yet_valid', detail: '"iat" is in the future' };
    }
  }
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return { ok: false, reason: 'missing_claims', detail: 'no numeric "exp"' };
  return { ok: true, payload, header: verifiedHeader };
}
