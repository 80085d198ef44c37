import { checkRedirectUri, isRegisteredRedirectUri } from './redirect-uri';

describe('redirect URI rules (OAuth 2.1 §2.3.1, RFC 8252 §7)', () => {
  it.each([
    ['https://app.example.com/callback', 'https'],
    ['http://127.0.0.1:33418/callback', 'loopback'],
    ['http://[::1]:8080/cb', 'loopback'],
    ['http://localhost:6274/oauth/callback', 'loopback'],
    ['com.example.app:/oauth2redirect', 'private-use'],
    ['cursor://anysphere.cursor-retrieval/oauth/callback', 'private-use'],
    ['vscode://vscode.github-authentication/did-authenticate', 'private-use'],
    ['io.modelcontextprotocol.inspector:/callback', 'private-use'],
  ])('accepts %s as %s', (uri, kind) => {
    const r = checkRedirectUri(uri);
    expect(r.ok && r.kind).toBe(kind);
  });

  it.each([
    ['http://localhost.evil.com/callback', /loopback/],
    ['http://example.com/callback', /loopback/],
    ['http://10.0.0.1/callback', /loopback/],
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://user:pw@app.example.com/cb', /userinfo/],
    ['javascript:alert(1)', /javascript/],
    ['data:text/html,hi', /data/],
    ['file:///etc/passwd', /file/],
    ['/relative/path', /absolute/],
    ['', /URI/],
  ])('refuses %s', (uri, reason) => {
    const r = checkRedirectUri(uri);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  // RFC 8252 §7.1 and RFC 9700 §4.11.2: a self-registered client must not turn the authorization server's redirects
  // into a launcher for operating-system handlers (Windows' ms-msdt: ran code: CVE-2022-30190).
  it.each([
    ['ms-msdt:/id%20PCWDiagnostic%20/skip%20force', /ms-msdt/],
    ['search-ms:query=x&crumb=location:\\\\evil.example\\share', /search-ms/],
    ['ms-officecmd:{"id":1}', /ms-officecmd/],
    ['shell:startup', /shell/],
    ['vbscript:msgbox(1)', /vbscript/],
    ['tel:+15555550100', /tel/],
    ['myapp:/callback', /reverse domain/],
    ['evilapp://cb', /reverse domain/],
    ['com..example:/cb', /reverse domain/],
  ])('refuses the private-use scheme of %s', (uri, reason) => {
    const r = checkRedirectUri(uri);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});

describe('redirect URI matching at authorize time (exact, loopback port may vary - RFC 8252 §7.3)', () => {
  const registered = ['https://app.example.com/cb', 'http://127.0.0.1/callback', 'http://localhost:3000/cb?x=1'];

  it('matches an exact string', () => {
    expect(isRegisteredRedirectUri(registered, 'https://app.example.com/cb')).toBe(true);
  });
  it('lets a loopback URI use any port', () => {
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:54321/callback')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://localhost:9999/cb?x=1')).toBe(true);
  });
  it.each([
    'https://app.example.com/cb/',
    'https://app.example.com/CB',
    'https://app.example.com:8443/cb',
    'https://app.example.com/cb?extra=1',
    'http://127.0.0.1:5000/other',
    'http://[::1]:5000/callback',
    'http://localhost.evil.com:3000/cb?x=1',
    'https://app.example.com/cb#frag',
    'http://127.0.0.1:5000/callback#x',
  ])('refuses %s', (uri) => {
    expect(isRegisteredRedirectUri(registered, uri)).toBe(false);
  });
});
