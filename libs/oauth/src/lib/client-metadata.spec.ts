import { validateClientMetadata } from './client-metadata';

describe('RFC 7591 client metadata validation', () => {
  it('accepts a public MCP client and fills RFC 7591 defaults', () => {
    const r = validateClientMetadata({
      redirect_uris: ['http://127.0.0.1:33418/callback'],
      token_endpoint_auth_method: 'none',
      client_name: 'Claude Code',
      grant_types: ['authorization_code', 'refresh_token'],
      unknown_field: 'dropped',
    });
    expect(r).toEqual({
      ok: true,
      metadata: expect.objectContaining({
        token_endpoint_auth_method: 'none',
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        client_name: 'Claude Code',
      }),
    });
    expect(r.ok && 'unknown_field' in r.metadata).toBe(false);
  });

  it.each([
    [{ redirect_uris: ['http://evil.example.com/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: [] }, 'invalid_redirect_uri'],
    [{ redirect_uris: 'https://a.example.com/cb' }, 'invalid_redirect_uri'],
    [{}, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://a.example.com/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], client_name: 'x'.repeat(500) }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], scope: 'a "b' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example.com/cb'], jwks_uri: 'https://a.example.com/jwks' }, 'invalid_client_metadata'],
    ['not an object', 'invalid_client_metadata'],
    [null, 'invalid_client_metadata'],
  ])('refuses %j with %s', (input, error) => {
    const r = validateClientMetadata(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(error);
  });
});
