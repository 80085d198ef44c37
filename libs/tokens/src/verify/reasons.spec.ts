import { FAILURE_REASONS, toOAuthFailure } from '../index';

describe('RFC 6750 §3.1 error mapping of failure reasons', () => {
  it.each(FAILURE_REASONS.filter((r) => r !== 'jwks_unavailable'))('%s -> 401 invalid_token', (reason) => {
    expect(toOAuthFailure(reason)).toMatchObject({ status: 401, error: 'invalid_token', errorDescription: expect.any(String) });
  });

  it('jwks_unavailable is a server-side fault: 503 with Retry-After and no OAuth error', () => {
    expect(toOAuthFailure('jwks_unavailable')).toEqual({
      status: 503,
      error: undefined,
      errorDescription: expect.any(String),
      retryAfterSeconds: expect.any(Number),
    });
  });

  it('lists every reason once', () => {
    expect(new Set(FAILURE_REASONS).size).toBe(FAILURE_REASONS.length);
    expect(FAILURE_REASONS).toEqual(expect.arrayContaining(['malformed', 'expired', 'binding_mismatch', 'cognito_token_missing', 'jwks_unavailable']));
  });
});
