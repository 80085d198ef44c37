/**
 * Why a bearer token was refused, and what that means in OAuth terms (RFC 6750 §3.1).
 */

/** Every failure reason, in check order. The string union {@link FailureReason} is derived from it. */
export const FAILURE_REASONS = [
  // gateway access token (RFC 9068 §4)
  'malformed',
  'unsupported_alg',
  'unknown_kid',
  'bad_signature',
  'wrong_type',
  'missing_claims',
  'issuer_mismatch',
  'audience_mismatch',
  'not_yet_valid',
  'expired',
  // the embedded Cognito token (DESIGN §3 step 2)
  'cognito_token_missing',
  'cognito_token_undecryptable',
  'cognito_malformed',
  'cognito_unsupported_alg',
  'cognito_unknown_kid',
  'cognito_bad_signature',
  'cognito_issuer_mismatch',
  'cognito_wrong_token_use',
  'cognito_client_mismatch',
  'cognito_not_yet_valid',
  'cognito_expired',
  // DESIGN §3 step 3
  'binding_mismatch',
  // server side: a key set could not be fetched
  'jwks_unavailable',
] as const;

/** Why a token was refused. `jwks_unavailable` is a server-side fault, every other reason is the token's. */
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * The HTTP answer for a failure.
 * - `401` + `error="invalid_token"` (RFC 6750 §3.1) for every problem with the token itself.
 * - `503` with no OAuth `error` for `jwks_unavailable`: the token may be fine, we could not check it.
 *   Answering 401 would make clients throw away good tokens and restart authorization; 503 with
 *   `Retry-After` tells them to retry. No `WWW-Authenticate` challenge is needed for a 503.
 */
export type OAuthFailure =
  | { status: 401; error: 'invalid_token'; errorDescription: string }
  | { status: 503; error: undefined; errorDescription: string; retryAfterSeconds: number };

const INVALID = 'The access token is invalid';

/**
 * Maps a reason to its OAuth meaning. `errorDescription` is safe for `error_description`: it says what
 * a legitimate client can act on and nothing about keys or token contents.
 */
export function toOAuthFailure(reason: FailureReason): OAuthFailure {
  switch (reason) {
    case 'expired':
    case 'cognito_expired':
      return invalidToken('The access token expired');
    case 'not_yet_valid':
    case 'cognito_not_yet_valid':
      return invalidToken('The access token is not valid yet');
    case 'audience_mismatch':
      // RFC 8707 / MCP "token passthrough": a token for another resource is not valid here.
      return invalidToken('The access token was not issued for this resource');
    case 'malformed':
    case 'unsupported_alg':
    case 'unknown_kid':
    case 'bad_signature':
    case 'wrong_type':
    case 'missing_claims':
    case 'issuer_mismatch':
    case 'cognito_token_missing':
    case 'cognito_token_undecryptable':
    case 'cognito_malformed':
    case 'cognito_unsupported_alg':
    case 'cognito_unknown_kid':
    case 'cognito_bad_signature':
    case 'cognito_issuer_mismatch':
    case 'cognito_wrong_token_use':
    case 'cognito_client_mismatch':
    case 'binding_mismatch':
      return invalidToken(INVALID);
    case 'jwks_unavailable':
      return { status: 503, error: undefined, errorDescription: 'Token validation is temporarily unavailable', retryAfterSeconds: 5 };
    default: {
      const unreachable: never = reason;
      throw new TypeError(`unknown failure reason ${String(unreachable)}`);
    }
  }
}

function invalidToken(errorDescription: string): OAuthFailure {
  return { status: 401, error: 'invalid_token', errorDescription };
}
