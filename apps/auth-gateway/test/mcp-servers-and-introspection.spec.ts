import { HttpBrowser } from '@mcp-cognito/dev-stack';
import type { McpServerRegistration } from '@mcp-cognito/contracts';
import { GatewayHarness, ALICE, BOB } from './support/harness';
import { exchangeCode, obtainCode, register, authorizationUrl, tokenRequest } from './support/mcp-client';

/**
 * Many MCP servers behind one gateway (docs/architecture.md, "Many MCP servers"): the gateway grants only scopes the
 * target server declares, per the server's scope policy; tokens are audience-bound to one server; RFC 7662
 * introspection answers registered resource servers only, and `active: true` only after the two-layer check for the
 * caller's own resource.
 */
const TOOLS = 'http://127.0.0.1:65000/mcp';
const CLOCK = 'http://127.0.0.1:65000/clock/mcp';
const CLOCK_SECRET = 'clock-introspection-secret-0123456789abcdef';

const servers: McpServerRegistration[] = [
  {
    name: 'mcp-tools',
    title: 'MCP tools (notes)',
    path: '/mcp',
    resource: TOOLS,
    scopeSource: 'cognito',
    scopes: { 'mcp-server/read': 'Read your notes', 'mcp-server/write': 'Change your notes' },
  },
  {
    name: 'clock',
    title: 'Clock & calendar',
    path: '/clock/mcp',
    resource: CLOCK,
    scopes: { 'clock/read': 'Read the time in any time zone', 'clock/admin': 'Change the company calendar' },
    scopeGroups: { 'clock/admin': ['admins'] },
  },
];

async function introspect(h: GatewayHarness, token: string, credentials?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${h.url}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(credentials ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}) },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('many MCP servers behind one gateway: per-server scopes, audience, introspection (RFC 8707, RFC 7662)', () => {
  let h: GatewayHarness;

  beforeAll(async () => {
    h = await GatewayHarness.start({
      gatewayEnv: { MCP_RESOURCES: '', MCP_SERVERS: JSON.stringify(servers), RESOURCE_SERVER_SECRETS: JSON.stringify({ clock: CLOCK_SECRET }), REVOCATION_POLL_MS: '500' },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('metadata lists every server\'s scopes and the introspection endpoint (RFC 8414, RFC 7662 §4)', async () => {
    const metadata = (await (await fetch(`${h.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata['scopes_supported']).toEqual(['mcp-server/read', 'mcp-server/write', 'clock/read', 'clock/admin']);
    expect(metadata).toMatchObject({ introspection_endpoint: `${h.issuer}/introspect`, introspection_endpoint_auth_methods_supported: ['client_secret_basic'] });
  });

  it('scopes of another server are not grantable: invalid_scope for clock/read at mcp-tools and mcp-server/read at clock', async () => {
    const client = await register(h.url);
    for (const [resource, scope] of [
      [TOOLS, 'clock/read'],
      [CLOCK, 'mcp-server/read'],
    ] as const) {
      const res = await fetch(
        authorizationUrl(h.url, { client_id: client.client_id, redirect_uri: client.redirect_uris[0], response_type: 'code', scope, resource, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }),
        { redirect: 'manual' },
      );
      const location = new URL(res.headers.get('location') ?? 'http://invalid/');
      expect([res.status, location.searchParams.get('error')]).toEqual([302, 'invalid_scope']);
    }
  });

  it('the consent page names the server and its own scope descriptions', async () => {
    const client = await register(h.url);
    const flow = await obtainCode(h.url, client, CLOCK, ALICE, { scope: 'clock/read' });
    expect(flow.consentHtml).toContain('Clock &amp; calendar');
    expect(flow.consentHtml).toContain(CLOCK);
    expect(flow.consentHtml).toContain('Read the time in any time zone');
    expect(flow.consentHtml).not.toContain('notes');
  });

  it('a gateway-owned scope with group rules: members of the group get it, others do not', async () => {
    const client = await register(h.url);
    const forAlice = await exchangeCode(h.url, client, await obtainCode(h.url, client, CLOCK, ALICE, { scope: 'clock/read clock/admin' }), CLOCK);
    expect(forAlice.body['scope']).toBe('clock/read clock/admin');
    const forBob = await exchangeCode(h.url, client, await obtainCode(h.url, client, CLOCK, BOB, { scope: 'clock/read clock/admin', browser: new HttpBrowser() }), CLOCK);
    expect(forBob.body['scope']).toBe('clock/read');
  });

  describe('RFC 7662 introspection', () => {
    let clockToken: string;
    let toolsToken: string;
    let refreshToken: string;

    beforeAll(async () => {
      const client = await register(h.url);
      const clock = await exchangeCode(h.url, client, await obtainCode(h.url, client, CLOCK, ALICE, { scope: 'clock/read' }), CLOCK);
      clockToken = clock.body['access_token'] as string;
      refreshToken = clock.body['refresh_token'] as string;
      const tools = await exchangeCode(h.url, client, await obtainCode(h.url, client, TOOLS, ALICE, { browser: new HttpBrowser() }), TOOLS);
      toolsToken = tools.body['access_token'] as string;
    });

    it('refuses callers without the credentials of a registered resource server (401 invalid_client, RFC 7662 §2.1)', async () => {
      for (const credentials of [undefined, `clock:${CLOCK_SECRET}x`, `mcp-tools:${CLOCK_SECRET}`, `unknown:${CLOCK_SECRET}`]) {
        const res = await introspect(h, clockToken, credentials);
        expect([res.status, res.body['error'], res.body['active']]).toEqual([401, 'invalid_client', undefined]);
      }
    });

    it('a valid token for the caller is active, with sub, scope, client_id, aud, exp, username and groups; cacheable no longer than the revocation poll (RFC 7662 §4)', async () => {
      const res = await introspect(h, clockToken, `clock:${CLOCK_SECRET}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ active: true, sub: ALICE.sub, username: ALICE.username, scope: 'clock/read', aud: CLOCK, iss: h.issuer, token_type: 'Bearer', groups: ['admins'] });
      expect(typeof res.body['client_id']).toBe('string');
      const exp = res.body['exp'] as number;
      const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);
      expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      // A 15-minute token and this gateway's 500 ms poll: cacheable for 1 s (the poll, in whole seconds), not until
      // exp - a revocation must not hide in a cache.
      expect(exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(60);
      expect(maxAge).toBe(1);
    });

    it('anything else is `active: false` with nothing more: another server\'s token, a refresh token, garbage, a tampered token', async () => {
      const tampered = `${clockToken.slice(0, -4)}AAAA`;
      for (const token of [toolsToken, refreshToken, 'not-a-token', tampered]) {
        const res = await introspect(h, token, `clock:${CLOCK_SECRET}`);
        expect([res.status, res.body, res.headers.get('cache-control')]).toEqual([200, { active: false }, 'no-store']);
      }
    });

    it('a revoked token is not active (RFC 7662 §2.2): after RFC 7009 revocation of its grant, within the feed\'s poll', async () => {
      const client = await register(h.url);
      const issued = await exchangeCode(h.url, client, await obtainCode(h.url, client, CLOCK, BOB, { scope: 'clock/read', browser: new HttpBrowser() }), CLOCK);
      const access = issued.body['access_token'] as string;
      expect((await introspect(h, access, `clock:${CLOCK_SECRET}`)).body['active']).toBe(true);
      const revoked = await fetch(`${h.url}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: issued.body['refresh_token'] as string, client_id: client.client_id }).toString(),
      });
      expect(revoked.status).toBe(200);
      const started = Date.now();
      let answer = await introspect(h, access, `clock:${CLOCK_SECRET}`);
      while (answer.body['active'] !== false && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
        answer = await introspect(h, access, `clock:${CLOCK_SECRET}`);
      }
      expect([answer.status, answer.body, answer.headers.get('cache-control')]).toEqual([200, { active: false }, 'no-store']);
    });

    it('a request without a token is invalid_request', async () => {
      const res = await fetch(`${h.url}/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`clock:${CLOCK_SECRET}`).toString('base64')}` },
        body: '',
      });
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    });
  });

  it('a refresh for a server keeps its audience and only that server\'s scopes', async () => {
    const client = await register(h.url);
    const first = await exchangeCode(h.url, client, await obtainCode(h.url, client, CLOCK, BOB, { scope: 'clock/read' }), CLOCK);
    const refreshed = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: first.body['refresh_token'] as string, client_id: client.client_id });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['scope']).toBe('clock/read');
    const widened = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: refreshed.body['refresh_token'] as string, client_id: client.client_id, scope: 'clock/read mcp-server/read' });
    expect([widened.status, widened.body['error']]).toEqual([400, 'invalid_scope']);
  });

  it('guessing resource-server secrets is rate limited per source address (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await introspect(h, 'x', `clock:guess-${i}`)).status);
    expect(statuses.slice(0, 15).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The rightful caller from another address is not locked out; from this one, after the window.
  });
});
