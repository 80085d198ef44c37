import { InsufficientScope, InvalidClient, InvalidGrant, InvalidRequest, InvalidToken, ServerError, TemporarilyUnavailable } from './errors';
import { BearerChallenges, endpointErrorAnswer, protectedResourceMetadataUrl } from './responder';

describe('RFC 6749 §5.2 error responses of the authorization server', () => {
  it('JSON { error, error_description } with the error\'s status, never cached', () => {
    expect(endpointErrorAnswer(new InvalidGrant('The code is invalid.', 'code replayed'))).toEqual({
      status: 400,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      body: { error: 'invalid_grant', error_description: 'The code is invalid.' },
    });
  });

  it('the hidden reason never reaches the wire', () => {
    const answer = endpointErrorAnswer(new ServerError('dynamodb exploded at table X'));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer)).not.toContain('dynamodb');
  });

  it('401 invalid_client after Basic authentication carries a Basic challenge; without Basic it does not', () => {
    const error = new InvalidClient('Client authentication failed.');
    expect(endpointErrorAnswer(error, { basicAuthenticationTried: true }).headers['www-authenticate']).toBe('Basic realm="oauth", charset="UTF-8"');
    expect(endpointErrorAnswer(error).headers['www-authenticate']).toBeUndefined();
    expect(endpointErrorAnswer(error).status).toBe(401);
  });

  it('temporarily_unavailable is 503 with Retry-After (RFC 9110 §10.2.3)', () => {
    const answer = endpointErrorAnswer(new TemporarilyUnavailable('Storage is unavailable.', 'timeout', 2));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.body).toEqual({ error: 'temporarily_unavailable', error_description: 'Storage is unavailable.' });
  });
});

describe('RFC 6750 §3 / RFC 9728 §5.1 challenges of a protected resource', () => {
  const prm = protectedResourceMetadataUrl('https://mcp.example.com/mcp');
  const challenges = new BearerChallenges(prm, ['mcp-server/read', 'mcp-server/write']);

  it('RFC 9728 §3.1: the metadata URL inserts the well-known segment before the resource path', () => {
    expect(prm).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect(protectedResourceMetadataUrl('https://mcp.example.com')).toBe('https://mcp.example.com/.well-known/oauth-protected-resource');
  });

  it('no credentials: 401, resource_metadata and scope, no error attribute (RFC 6750 §3.1)', () => {
    const answer = challenges.answer('no_credentials');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(`Bearer resource_metadata="${prm}", scope="mcp-server/read mcp-server/write"`);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('invalid_token: 401 with error, description, resource_metadata and scope; the same error as the body', () => {
    const answer = challenges.answer(new InvalidToken('The access token expired', 'expired'));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(
      `Bearer error="invalid_token", error_description="The access token expired", resource_metadata="${prm}", scope="mcp-server/read mcp-server/write"`,
    );
    expect(answer.body).toEqual({ error: 'invalid_token', error_description: 'The access token expired' });
  });

  it('invalid_request: 400 with a challenge', () => {
    const answer = challenges.answer(new InvalidRequest('access_token in the query string is not supported'));
    expect(answer.status).toBe(400);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request", error_description="access_token in the query string is not supported", /);
  });

  it('insufficient_scope: 403 naming every scope the operation needs (MCP step-up authorization)', () => {
    const answer = challenges.answer(new InsufficientScope(['mcp-server/read', 'mcp-server/write']));
    expect(answer.status).toBe(403);
    expect(answer.headers['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="mcp-server/read mcp-server/write", resource_metadata="${prm}"`);
    expect(answer.body).toEqual({ error: 'insufficient_scope', error_description: 'This operation needs the scope(s): mcp-server/read mcp-server/write' });
  });

  it('quotes and backslashes inside a value are escaped (RFC 9110 §5.6.4)', () => {
    const answer = challenges.answer(new InvalidToken('say "hi" \\ bye'));
    expect(answer.headers['www-authenticate']).toContain('error_description="say \\"hi\\" \\\\ bye"');
  });
});
