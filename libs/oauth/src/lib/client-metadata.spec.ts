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

  describe('text hygiene (issue 18): what a person reads and what is compared byte for byte', () => {
    const base = { redirect_uris: ['https://a.example.com/cb'] };
    it.each([
      ['NUL', { client_name: 'a\u0000b' }, 'control characters'],
      ['a newline', { client_name: 'a\nb' }, 'control characters'],
      ['DEL', { software_id: 'id\u007f' }, 'control characters'],
      ['a C1 control', { contacts: ['x\u009bz'] }, 'control characters'],
      ['an unpaired high surrogate', { client_name: 'a\ud83db' }, 'valid UTF-8'],
      ['an unpaired low surrogate', { client_name: 'a\udc00' }, 'valid UTF-8'],
      ['a replacement character (bytes that were not UTF-8)', { client_name: 'Zo\ufffd' }, 'valid UTF-8'],
      ['a right-to-left override', { client_name: 'Good\u202eliveE' }, 'bidirectional'],
      ['a bidi isolate', { software_version: '1\u20660' }, 'bidirectional'],
      ['a URI with a space', { client_uri: 'https://a.example.com/a b' }, 'printable ASCII'],
      ['a URI with non-ASCII', { policy_uri: 'https://a.example.com/caf\u00e9' }, 'printable ASCII'],
    ])('refuses %s as invalid_client_metadata', (_name, fields, why) => {
      const r = validateClientMetadata({ ...base, ...fields });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toBe('invalid_client_metadata');
      expect(!r.ok && r.description).toContain(why);
    });

    it.each([
      ['a tab', 'https://a.example.com/c\tb'],
      ['a newline', 'https://a.example.com/cb\n'],
      ['non-ASCII', 'https://a.example.com/caf\u00e9'],
      ['a replacement character', 'http://127.0.0.1:9/\ufffd'],
    ])('refuses a redirect URI with %s as invalid_redirect_uri, without echoing it', (_name, uri) => {
      const r = validateClientMetadata({ redirect_uris: ['https://ok.example.com/cb', uri] });
      expect(r).toEqual({ ok: false, error: 'invalid_redirect_uri', description: expect.stringMatching(/^redirect_uris\.1 must contain only printable ASCII/) });
    });

    it('keeps clean text in any script, and emoji (surrogate pairs)', () => {
      const r = validateClientMetadata({ ...base, client_name: 'Zoë’s agent 日本 🤖' });
      expect(r.ok && r.metadata.client_name).toBe('Zoë’s agent 日本 🤖');
    });
  });
});
