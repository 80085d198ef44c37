import { ALICE, ALLOWED_ORIGIN, McpServerTestHarness, startMcpTools } from './support/harness';

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

describe('Origin validation (MCP transport: DNS rebinding protection)', () => {
  let h: McpServerTestHarness;
  let token: string;

  beforeAll(async () => {
    h = await startMcpTools();
    token = await h.mint(ALICE);
  });
  afterAll(() => h?.stop());

  it('a present Origin that is not allowed -> 403 with a JSON-RPC error, even with a valid token', async () => {
    const res = await h.post(ping, { token, headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Forbidden: Origin not allowed' }, id: null });
  });

  it('the Origin check comes before authentication (no challenge for a refused origin)', async () => {
    const res = await h.post(ping, { headers: { origin: 'http://127.0.0.1.evil.example' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('an allowed Origin passes', async () => {
    const res = await h.post(ping, { token, headers: { origin: ALLOWED_ORIGIN } });
    expect(res.status).toBe(200);
  });

  it('no Origin (non-browser client) passes', async () => {
    expect((await h.post(ping, { token })).status).toBe(200);
  });

  it('an allowed Origin gets CORS: the preflight is answered without credentials, responses name the origin', async () => {
    const preflight = await fetch(`${h.url}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const res = await h.post(ping, { token, headers: { origin: ALLOWED_ORIGIN } });
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const challenge = await h.post(ping, { headers: { origin: ALLOWED_ORIGIN } });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('a disallowed Origin gets no preflight answer', async () => {
    const preflight = await fetch(`${h.url}/mcp`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('RFC 9728 Protected Resource Metadata', () => {
  let h: McpServerTestHarness;

  beforeAll(async () => {
    h = await startMcpTools();
  });
  afterAll(() => h?.stop());

  it.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
    '%s: exact document, public, cacheable, CORS *',
    async (path) => {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        resource: h.resource,
        authorization_servers: [h.issuer],
        scopes_supported: ['mcp-server/read', 'mcp-server/write'],
        bearer_methods_supported: ['header'],
        resource_name: 'MCP tools (notes)',
      });
      // Byte-identical resource, no trailing slash (RFC 9728 §3.3).
      expect(text).toContain(`"resource":"${h.resource}"`);
      expect(h.resource).toMatch(/\/mcp$/);
    },
  );

  it('answers the CORS preflight a browser sends for MCP-Protocol-Version', async () => {
    const res = await fetch(`${h.url}/.well-known/oauth-protected-resource/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('mcp-protocol-version');
  });
});
