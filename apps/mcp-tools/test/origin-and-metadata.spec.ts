import { ALICE, ALLOWED_ORIGIN, ToolsHarness } from './support/harness';

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

describe('Origin validation (MCP transport: DNS rebinding protection)', () => {
  let h: ToolsHarness;
  let token: string;

  beforeAll(async () => {
    h = await ToolsHarness.start();
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
});

describe('RFC 9728 Protected Resource Metadata', () => {
  let h: ToolsHarness;

  beforeAll(async () => {
    h = await ToolsHarness.start();
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
