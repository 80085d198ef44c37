/**
 * Why a bearer token was refused, and what that means in OAuth terms (RFC 6750 §3.1).
 */
import { InvalidToken, TemporarilyUnavailable } from '@mcp-cognito/oauth';

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
  // the embedded Cognito token (docs/architecture.md#tokens step 2)
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
  // docs/architecture.md#tokens step 3
  'binding_mismatch',
  // server side: a key set could not be fetched
  'jwks_unavailable',
  // the resource server's revocation set (docs/architecture.md#revocation), checked after a token verified
  'revoked',
  'revocation_status_unavailable',
] as const;

/** Why a token was refused. `jwks_unavailable` is a server-side fault, every other reason is the token's. */
export type FailureReason = (typeof FAILURE_REASONS)[number];

const INVALID = 'The access token is invalid';

/**
 * What a failure means in OAuth terms (the resource server answers it through libs/oauth `BearerChallenges`):
 * - `invalid_token` (401, RFC 6750 §3.1) for every problem with the token itself;
 * - `temporarily_unavailable` (503 + `Retry-After`, no challenge) for `jwks_unavailable`: the token may be fine, we
 *   could not check it, and a 401 would make clients throw away good tokens and restart authorization.
 * The description is safe for `error_description`: what a legitimate client can act on, nothing about keys or
 * token contents.
 */
export function toOAuthError(reason: FailureReason): InvalidToken | TemporarilyUnavailable {
  switch (reason) {
    case 'expired':
    case 'cognito_expired':
      return new InvalidToken('The access token expired', reason);
    case 'not_yet_valid':
    case 'cognito_not_yet_valid':
      return new InvalidToken('The access token is not valid yet', reason);
    case 'audience_mismatch':
      // RFC 8707 / MCP "token passthrough": a token for another resource is not valid here.
      return new InvalidToken('The access token was not issued for this resource', reason);
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
      return new InvalidToken(INVALID, reason);
    case 'revoked':
      // RFC 6750 §3.1: a revoked token is an invalid token; the client's answer is to refresh or sign in again.
      return new InvalidToken('The access token has been revoked', reason);
    case 'jwks_unavailable':
      return new TemporarilyUnavailable('Token validation is temporarily unavailable', reason, 5);
    case 'revocation_status_unavailable':
      // Failing closed after REVOCATION_FAIL_OPEN_MS: the token may be fine, we cannot tell whether it was revoked. A
      // 401 would make clients throw away good tokens and sign in again, which does not help; 503 + Retry-After does.
      return new TemporarilyUnavailable('Token validation is temporarily unavailable', reason, 5);
    default: {
      const unreachable: never = reason;
      throw new TypeError(`unknown failure reason ${String(unreachable)}`);
    }
  }
}
