/**
 * Turns jose's exceptions into this library's failure reasons (for one JWT check).
 */
import { JwksUnavailableError } from './jwks';

/** Outcome classes of one jose `jwtVerify` call (the gateway reasons; Cognito ones are prefixed). */
export type JwtCheckFailure =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_kid'
  | 'bad_signature'
  | 'wrong_type'
  | 'missing_claims'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'not_yet_valid'
  | 'expired'
  | 'jwks_unavailable';

/** A classified failure; `detail` is jose's message (never contains token or key material). */
export interface ClassifiedJwtError {
  reason: JwtCheckFailure;
  detail: string;
}

/** Classifies an error thrown by jose's `jwtVerify` (or our key resolver). */
export function classifyJoseError(err: unknown): ClassifiedJwtError {
  if (err instanceof JwksUnavailableError) {
    const cause = err.cause as { message?: unknown } | undefined;
    return { reason: 'jwks_unavailable', detail: typeof cause?.message === 'string' ? cause.message : err.message };
  }
  const e = err as { code?: unknown; claim?: unknown; reason?: unknown; message?: unknown };
  const detail = typeof e.message === 'string' ? e.message : 'token rejected';
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return { reason: 'expired', detail };
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return { reason: 'bad_signature', detail };
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return { reason: 'unsupported_alg', detail };
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return { reason: 'unknown_kid', detail };
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'typ') return { reason: 'wrong_type', detail };
      if (e.reason === 'missing') return { reason: 'missing_claims', detail };
      if (e.reason === 'invalid') return { reason: 'malformed', detail };
      if (e.claim === 'iss') return { reason: 'issuer_mismatch', detail };
      if (e.claim === 'aud') return { reason: 'audience_mismatch', detail };
      if (e.claim === 'nbf' || e.claim === 'iat') return { reason: 'not_yet_valid', detail };
      return { reason: 'malformed', detail };
    default:
      // ERR_JWS_INVALID, ERR_JWT_INVALID, TypeErrors on bad claim types, anything unexpected.
      return { reason: 'malformed', detail };
  }
}
