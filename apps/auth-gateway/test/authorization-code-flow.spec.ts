import { compactDecrypt, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, importJWK } from 'jose';
import { pkce, type HttpBrowser } from '@mcp-cognito/dev-stack';
import { Metrics } from '@mcp-cognito/nest-platform';
import { GatewayHarness, ALICE, BOB } from './support/harness';
import { CLIENT_REDIRECT, authorizationUrl, exchangeCode, obtainCode, register } from './support/mcp-client';

/**
 * docs/architecture.md#the-flow phases 1-5 end to end at the gateway: registration, consent, Cognito (local-idp) sign-in,
 * callback, code exchange - and the access token format of docs/architecture.md#tokens / RFC 9068.
 */
const OTHER_RESOURCE = 'http://127.0.0.1:65001/mcp';

describe('authorization code flow through Cognito (docs/architecture.md#the-flow)', () => {
  let h: GatewayHarness;

  beforeAll(async () => {
    // Two MCP servers behind one gateway. (One gateway app per process: passport's strategy
    // registry is global, so in-process instances must share one configuration.)
    const servers = ['http://127.0.0.1:65000/mcp', OTHER_RESOURCE].map((resource) => ({
      name: 'mcp-tools',
      title: 'MCP tools',
      path: '/mcp',
      resource,
      scopeSource: 'cognito',
      scopes: { 'mcp-server/read': 'Read your notes', 'mcp-server/write': 'Change your notes' },
    }));
    h = await GatewayHarness.start({ gatewayEnv: { MCP_RESOURCES: '', MCP_SERVERS: JSON.stringify(servers) } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('issues an RFC 9068 access token bound to the resource, with the Cognito token sealed inside', async () => {
    const client = await register(h.url);
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    // RFC 9207: the authorization response names the issuer.
    expect(flow.iss).toBe(h.issuer);
    expect(flow.state).toMatch(/^st-/);

    const token = await exchangeCode(h.url, client, flow, h.resource);
    expect(token.status).toBe(200);
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'mcp-server/read mcp-server/write' });
    expect(typeof token.body['refresh_token']).toBe('string');
    expect(token.body['expires_in']).toBeGreaterThan(0);

    const accessToken = token.body['access_token'] as string;
    const header = decodeProtectedHeader(accessToken);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(typeof header.kid).toBe('string');

    const jwks = createRemoteJWKSet(new URL(`${h.issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(accessToken, jwks, { issuer: h.issuer, audience: h.resource, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: ALICE.sub, client_id: client.client_id, scope: 'mcp-server/read mcp-server/write' });
    expect(typeof payload.jti).toBe('string');

    // The bearer cannot read the Cognito token: it is a JWE, not a JWS, and no JWT segment leaks.
    const sealed = payload['cognito_token'] as string;
    expect(sealed.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(sealed)).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    expect(sealed).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);

    // The resource servers' key opens it, and it is a Cognito access token that verifies at the IdP.
    const ringKey = (JSON.parse(h.secrets.tokenEncryptionKeys) as { keys: Array<{ k: string }> }).keys[0]!;
    const key = await importJWK({ kty: 'oct', k: ringKey.k }, 'A256GCM');
    const cognitoToken = new TextDecoder().decode((await compactDecrypt(sealed, key)).plaintext);
    const idpJwks = createRemoteJWKSet(new URL(`${h.idp.issuer}/.well-known/jwks.json`));
    const cognito = await jwtVerify(cognitoToken, idpJwks, { issuer: h.idp.issuer });
    expect(cognito.payload).toMatchObject({ token_use: 'access', sub: ALICE.sub, client_id: 'mcp-gateway-local', username: 'alice' });
    // docs/architecture.md#tokens: the MCP token never outlives the Cognito token inside it.
    expect(payload.exp!).toBeLessThanOrEqual(cognito.payload.exp!);
  });

  it('shows the gateway consent page with client name, redirect host and scopes, unframeable', async () => {
    const client = await register(h.url, { client_name: '<script>alert(1)</script>' });
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    expect(flow.consentHtml).toBeDefined();
    expect(flow.consentHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(flow.consentHtml).not.toContain('<script>alert(1)</script>');
    expect(flow.consentHtml).toContain(new URL(CLIENT_REDIRECT).hostname);
    expect(flow.consentHtml).toContain('mcp-server/read');
    expect(flow.consentHtml).toContain('mcp-server/write');
    expect(flow.consentHeaders?.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(flow.consentHeaders?.get('x-frame-options')).toBe('DENY');
  });

  it('issued tokens and consent decisions are counted as EMF metrics (TokensIssued by GrantType, ConsentDecisions)', async () => {
    const metrics = h.instances[0]!.app.get(Metrics);
    metrics.flush();
    const client = await register(h.url);
    const token = await exchangeCode(h.url, client, await obtainCode(h.url, client, h.resource, ALICE), h.resource);
    expect(token.status).toBe(200);
    const docs = metrics.flush().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(docs[0]).toMatchObject({ Service: 'auth-gateway', TokensIssued: 1, ConsentDecisions: 1, ClientRegistrations: 1 });
    expect(docs.find((d) => d['GrantType'] === 'authorization_code')).toMatchObject({ TokensIssued: 1 });
    expect(docs.find((d) => d['Decision'] === 'approved')).toMatchObject({ ConsentDecisions: 1 });
  });

  it('remembered consent is per MCP resource: approving server A does not cover server B', async () => {
    const client = await register(h.url);
    const first = await obtainCode(h.url, client, h.resource, ALICE);
    expect(first.consentHtml).toBeDefined();
    const same = await obtainCode(h.url, client, h.resource, ALICE, { browser: first.browser });
    expect(same.consentHtml).toBeUndefined();
    const other = await obtainCode(h.url, client, OTHER_RESOURCE, ALICE, { browser: first.browser });
    expect(other.consentHtml).toBeDefined();
  });

  it('remembers consent per browser and client: the second authorization skips the page', async () => {
    const client = await register(h.url);
    const first = await obtainCode(h.url, client, h.resource, ALICE);
    expect(first.consentHtml).toBeDefined();
    const second = await obtainCode(h.url, client, h.resource, ALICE, { browser: first.browser });
    expect(second.consentHtml).toBeUndefined();
    // ...but another client in the same browser is asked again (consent is per client).
    const other = await register(h.url);
    const third = await obtainCode(h.url, other, h.resource, ALICE, { browser: first.browser });
    expect(third.consentHtml).toBeDefined();
  });

  describe('consent is remembered per user, not per browser (MCP security best practices, "confused deputy")', () => {
    // The IdP's own session ends (or another person signs in there); the gateway's cookies stay in the browser.
    const endIdpSession = (browser: HttpBrowser) => browser.forgetCookies('127.0.0.1', (name) => !name.startsWith('mcp-'));

    it('after Alice approved a client in this browser, Bob signing in is asked himself, and the client gets Bob\'s token only after he approves', async () => {
      const client = await register(h.url);
      const alice = await obtainCode(h.url, client, h.resource, ALICE);
      expect(alice.consentHtml).toBeDefined();
      endIdpSession(alice.browser);
      const bob = await obtainCode(h.url, client, h.resource, BOB, { browser: alice.browser });
      expect(bob.consentHtml).toBeDefined();
      const token = await exchangeCode(h.url, client, bob, h.resource);
      expect(token.status).toBe(200);
      expect(decodeJwt(token.body['access_token'] as string).sub).toBe(BOB.sub);
    });

    it('each user\'s approval is remembered for that user: Alice and then Bob again in the same browser see no page', async () => {
      const client = await register(h.url);
      const alice = await obtainCode(h.url, client, h.resource, ALICE);
      endIdpSession(alice.browser);
      const bob = await obtainCode(h.url, client, h.resource, BOB, { browser: alice.browser });
      expect(bob.consentHtml).toBeDefined();
      endIdpSession(alice.browser);
      const aliceAgain = await obtainCode(h.url, client, h.resource, ALICE, { browser: alice.browser });
      expect(aliceAgain.consentHtml).toBeUndefined();
      endIdpSession(alice.browser);
      const bobAgain = await obtainCode(h.url, client, h.resource, BOB, { browser: alice.browser });
      expect(bobAgain.consentHtml).toBeUndefined();
    });

    it('prompt=consent (OpenID Connect Core §3.1.2.1) shows the page even when consent is remembered', async () => {
      const client = await register(h.url);
      const first = await obtainCode(h.url, client, h.resource, ALICE);
      const url = authorizationUrl(h.url, {
        client_id: client.client_id,
        redirect_uri: client.redirect_uris[0]!,
        response_type: 'code',
        scope: 'mcp-server/read',
        resource: h.resource,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        prompt: 'consent',
      });
      const page = await first.browser.get(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form method="post" action="/consent">');
    });
  });
});
