/**
 * The failure reasons of one JWT check, and the classification of key-resolver errors into them.
 */
import { JwksUnavailableError } from './jwks';

/** Outcome classes of one JWT check (the gateway reasons; Cognito ones are prefixed). */
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

/**
 * Classifies what a key resolver threw (`createKeyResolver`): the key set is unavailable, no (or more than one)
 * key matches the header, or the key cannot be used for the algorithm. Signature and claim failures never
 * arrive here - `checkJwt` decides those itself.
 */
export function classifyJoseError(err: unknown): ClassifiedJwtError {
  if (err instanceof JwksUnavailableError) {
    const cause = err.cause as { message?: unknown } | undefined;
    return { reason: 'jwks_unavailable', detail: typeof cause?.message === 'string' ? cause.message : err.message };
  }
  const e = err as { code?: unknown; message?: unknown };
  const detail = typeof e.message === 'string' ? e.message : 'token rejected';
  switch (e.code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return { reason: 'unknown_kid', detail };
    case 'ERR_JOSE_NOT_SUPPORTED':
      return { reason: 'unsupported_alg', detail };
    default:
      return { reason: 'malformed', detail };
  }
}
