import { BearerChallenges, InvalidToken, TemporarilyUnavailable } from '@mcp-cognito/oauth';
import { FAILURE_REASONS, toOAuthError } from '../index';

describe('RFC 6750 §3.1 error mapping of failure reasons', () => {
  const SERVER_SIDE: readonly string[] = ['jwks_unavailable', 'revocation_status_unavailable'];
  it.each(FAILURE_REASONS.filter((r) => !SERVER_SIDE.includes(r)))('%s -> 401 invalid_token', (reason) => {
    const error = toOAuthError(reason);
    expect(error).toBeInstanceOf(InvalidToken);
    expect(error).toMatchObject({ status: 401, error: 'invalid_token', description: expect.any(String), reason });
  });

  it.each(SERVER_SIDE)('%s is a server-side fault: 503 with Retry-After and no OAuth error on the wire', (reason) => {
    const error = toOAuthError(reason as 'jwks_unavailable');
    expect(error).toBeInstanceOf(TemporarilyUnavailable);
    const answer = new BearerChallenges('https://rs.example/.well-known/oauth-protected-resource/mcp', ['a']).answer(error);
    expect(answer).toEqual({
      status: 503,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache', 'retry-after': '5' },
      body: { error_description: expect.any(String) },
    });
  });

  it('lists every reason once', () => {
    expect(new Set(FAILURE_REASONS).size).toBe(FAILURE_REASONS.length);
    expect(FAILURE_REASONS).toEqual(expect.arrayContaining(['malformed', 'expired', 'binding_mismatch', 'cognito_token_missing', 'jwks_unavailable']));
  });
});
