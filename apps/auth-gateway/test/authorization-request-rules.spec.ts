import { HttpBrowser, parseForm, pkce } from '@mcp-cognito/dev-stack';
import { ALICE, GatewayHarness } from './support/harness';
import { authorizationUrl, CLIENT_REDIRECT, obtainCode, register, type RegisteredClient } from './support/mcp-client';
import { approveConsent, countItems } from './support/flow-steps';

/**
 * GET /authorize and POST /consent (RFC 6749 §4.1.1-§4.1.2.1, RFC 7636, RFC 8707, MCP security best
 * practices): client and redirect URI first - errors there are pages, never redirects - then the rest,
 * whose errors go back to the validated redirect URI with `state` and `iss`. Nothing is stored before
 * the user approves.
 */
describe('authorization request rules', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;
  const { challenge } = pkce();

  beforeAll(async () => {
    h = await GatewayHarness.start();
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const params = (extra: Record<string, string | undefined> = {}) => ({
    client_id: client.client_id,
    redirect_uri: CLIENT_REDIRECT,
    response_type: 'code',
    state: 'xyz',
    scope: 'mcp-server/read',
    resource: h.resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

  async function authorize(extra: Record<string, string | undefined>): Promise<Response> {
    return fetch(authorizationUrl(h.url, params(extra)), { redirect: 'manual' });
  }

  describe('errors before the redirect URI is validated are shown as a page, never redirected', () => {
    it.each([
      ['an unknown client', { client_id: 'mcp_doesnotexist' }],
      ['a missing client_id', { client_id: undefined }],
      ['an unregistered redirect_uri', { redirect_uri: 'https://attacker.example.com/cb' }],
      ['a mismatched path', { redirect_uri: 'http://127.0.0.1:43110/other' }],
      ['http://localhost.evil.com (not loopback)', { redirect_uri: 'http://localhost.evil.com:43110/callback' }],
      ['a redirect_uri with a fragment', { redirect_uri: `${CLIENT_REDIRECT}#frag` }],
    ])('%s', async (_name, extra) => {
      const res = await authorize(extra);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('Authorization error');
    });

    it('a loopback redirect URI may use another port (RFC 8252 §7.3)', async () => {
      const res = await authorize({ redirect_uri: 'http://127.0.0.1:50999/callback' });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<form method="post" action="/consent">');
    });
  });

  describe('errors after the redirect URI is validated go back to the client with state and iss', () => {
    it.each([
      ['PKCE missing (OAuth 2.1 §4.1.1)', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
      ['PKCE plain (S256 only)', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['a malformed challenge', { code_challenge: 'short' }, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
      ['an unknown resource (RFC 8707)', { resource: 'https://other.example.com/mcp' }, 'invalid_target'],
      ['an unknown scope', { scope: 'mcp-server/admin' }, 'invalid_scope'],
    ])('%s', async (_name, extra, error) => {
      const res = await authorize(extra);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(CLIENT_REDIRECT);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('xyz');
      expect(location.searchParams.get('iss')).toBe(h.issuer);
    });
  });

  describe('RFC 9700 §4.11.2 / OAuth 2.1 §7.12.2: no open redirector - errors go straight back only to trusted redirect URIs', () => {
    const PHISH = 'https://phish.example/landing';

    it('a freshly self-registered client with an https redirect and a malformed request gets an error page, not a redirect', async () => {
      const stranger = await register(h.url, { redirect_uris: [PHISH] });
      for (const extra of [{ response_type: 'token' }, { code_challenge: undefined, code_challenge_method: undefined }, { scope: 'mcp-server/admin' }]) {
        const res = await fetch(authorizationUrl(h.url, { ...params(extra), client_id: stranger.client_id, redirect_uri: PHISH }), { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        const html = await res.text();
        expect(html).toContain('phish.example');
        expect(html).toContain('was not sent back');
      }
    });

    it('once someone approved that client and redirect in this browser, its errors go back to it (with state and iss)', async () => {
      const known = await register(h.url, { redirect_uris: [PHISH] });
      const flow = await obtainCode(h.url, known, h.resource, ALICE, { redirectUri: PHISH });
      const url = authorizationUrl(h.url, { ...params({ response_type: 'token' }), client_id: known.client_id, redirect_uri: PHISH });
      const res = await flow.browser.get(url);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(PHISH);
      expect(location.searchParams.get('error')).toBe('unsupported_response_type');
      expect(location.searchParams.get('iss')).toBe(h.issuer);
    });

    it('RFC 8252 §7.1: a private-use scheme must be a reverse domain name (or a known MCP client\'s), never an OS handler', async () => {
      for (const uri of ['ms-msdt:/id PCWDiagnostic', 'search-ms:query=x', 'myapp:/callback']) {
        const res = await fetch(`${h.url}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: [uri], token_endpoint_auth_method: 'none', client_name: 'x' }),
        });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBe('invalid_redirect_uri');
      }
      const cursor = await register(h.url, { redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/user-test/callback'] });
      const page = await fetch(authorizationUrl(h.url, { ...params(), client_id: cursor.client_id, redirect_uri: cursor.redirect_uris[0] }), { redirect: 'manual' });
      expect(page.status).toBe(200);
      // The consent page names the scheme the answer goes to, prominently.
      expect(await page.text()).toMatch(/handles <strong><code>cursor:<\/code><\/strong> links/);
    });
  });

  it('a dynamic client registered with a smaller scope may still step up (MCP step-up authorization)', async () => {
    const narrow = await register(h.url, { scope: 'mcp-server/read' });
    const res = await fetch(authorizationUrl(h.url, { ...params(), client_id: narrow.client_id, scope: 'mcp-server/read mcp-server/write' }), { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('mcp-server/write');
  });

  it('ignores OIDC habit scopes (openid, offline_access) instead of failing', async () => {
    const res = await authorize({ scope: 'openid offline_access mcp-server/read' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('mcp-server/read');
    expect(html).not.toContain('offline_access');
  });

  describe('consent is CSRF-protected and bound to the exact request', () => {
    async function consentForm(browser: HttpBrowser) {
      const url = authorizationUrl(h.url, params());
      const page = await browser.get(url);
      return parseForm(await page.text(), url);
    }

    it('a consent post without the CSRF token is refused with a page and stores nothing', async () => {
      const before = await countItems(h);
      const browser = new HttpBrowser();
      const form = await consentForm(browser);
      const { csrf: _csrf, ...fields } = form.fields;
      const res = await browser.post(form.action, { ...fields, decision: 'approve' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await countItems(h)).toEqual(before);
    });

    it('a CSRF token from another browser is refused', async () => {
      const form = await consentForm(new HttpBrowser());
      const res = await new HttpBrowser().post(form.action, { ...form.fields, decision: 'approve' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });

    it('a CSRF token cannot approve a different request (tampered scope)', async () => {
      const browser = new HttpBrowser();
      const form = await consentForm(browser);
      const res = await browser.post(form.action, { ...form.fields, scope: 'mcp-server/read mcp-server/write', decision: 'approve' });
      expect(res.status).toBe(400);
    });

    it('deny at consent redirects with access_denied and stores nothing', async () => {
      const before = await countItems(h);
      const browser = new HttpBrowser();
      const form = await consentForm(browser);
      const res = await browser.post(form.action, { ...form.fields, decision: 'deny' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe('xyz');
      expect(location.searchParams.get('iss')).toBe(h.issuer);
      expect(await countItems(h)).toEqual(before);
    });
  });

  it('approval stores the pending request under a random state and sends the browser to Cognito with the gateway client and its own PKCE', async () => {
    const leg = await approveConsent(h, client);
    const cognito = leg.cognitoUrl;
    expect(`${cognito.origin}${cognito.pathname}`).toBe(`${h.idp.baseUrl}/oauth2/authorize`);
    expect(cognito.searchParams.get('client_id')).toBe('mcp-gateway-local');
    expect(cognito.searchParams.get('redirect_uri')).toBe(`${h.issuer}/callback`);
    expect(cognito.searchParams.get('code_challenge_method')).toBe('S256');
    // The gateway's own challenge, not the client's.
    expect(cognito.searchParams.get('code_challenge')).not.toBe(challenge);
    expect(leg.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(leg.state).not.toBe('client-state');
    expect((await countItems(h))['SESSION']).toBeGreaterThanOrEqual(1);
  });
});

describe('bounded pending sign-ins (each stores a request until it ends or expires)', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start({ gatewayEnv: { SIGNIN_RATE_LIMIT: '3', SIGNIN_RATE_WINDOW: '600' } });
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('past SIGNIN_RATE_LIMIT per source address, remembered consent no longer stores a sign-in: 429 page with Retry-After', async () => {
    const first = await obtainCode(h.url, client, h.resource, ALICE); // 1 sign-in
    const sessionsBefore = (await countItems(h))['SESSION'] ?? 0;
    const again = () => {
      const url = authorizationUrl(h.url, {
        client_id: client.client_id,
        redirect_uri: CLIENT_REDIRECT,
        response_type: 'code',
        scope: 'mcp-server/read mcp-server/write',
        resource: h.resource,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      });
      return first.browser.get(url);
    };
    expect((await again()).status).toBe(302); // 2
    expect((await again()).status).toBe(302); // 3
    const refused = await again();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('600');
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain('Too many sign-ins');
    expect((await countItems(h))['SESSION'] ?? 0).toBe(sessionsBefore + 2);
  });
});
