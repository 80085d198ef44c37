import { Client, InsufficientScopeError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ALICE, ALLOWED_ORIGIN, READ, McpServerTestHarness, startMcpTools, WRITE, resultJson } from './support/harness';

/** The v2 SDK client, with a plain bearer token (no OAuth flow: the HTTP-level suites mint tokens themselves). */
async function v2Client(h: McpServerTestHarness, token: string, mode: 'legacy' | 'auto' | { pin: '2026-07-28' }) {
  const client = new Client({ name: 'mcp-tools-v2-test', version: '1.0.0' }, { versionNegotiation: { mode } });
  await client.connect(new StreamableHTTPClientTransport(new URL(h.resource), { authProvider: { token: async () => token } }));
  return client;
}

describe('MCP 2026-07-28 and 2025-11-25 on one endpoint, behind the same request gate', () => {
  let h: McpServerTestHarness;
  let token: string;

  beforeAll(async () => {
    h = await startMcpTools();
    token = await h.mint(ALICE);
  });
  afterAll(() => h?.stop());

  it.each([
    ['pinned to 2026-07-28', { pin: '2026-07-28' } as const, '2026-07-28'],
    ['negotiating (auto): discovers the modern revision and uses it', 'auto' as const, '2026-07-28'],
    ['2025 handshake (legacy)', 'legacy' as const, '2025-11-25'],
  ])('the v2 SDK client %s lists and calls every tool, with zero storage requests for authentication', async (_name, mode, version) => {
    const client = await v2Client(h, token, mode);
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(version);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['whoami', 'notes_list', 'notes_get', 'notes_create', 'notes_delete']);
      h.resetStorageRequests();
      expect(resultJson(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ sub: ALICE.sub, scopes: [READ, WRITE] });
      expect(h.storageRequests).toEqual([]);
      const created = resultJson<{ id: string }>(await client.callTool({ name: 'notes_create', arguments: { title: `t-${version}`, body: 'b' } }));
      expect(resultJson(await client.callTool({ name: 'notes_get', arguments: { id: created.id } }))).toMatchObject({ title: `t-${version}` });
      expect(resultJson(await client.callTool({ name: 'notes_list', arguments: {} }))['notes']).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.id })]));
      const read = await client.readResource({ uri: `note://${created.id}` });
      expect(read.contents[0]).toMatchObject({ uri: `note://${created.id}`, text: `# t-${version}\n\nb` });
      expect(resultJson(await client.callTool({ name: 'notes_delete', arguments: { id: created.id } }))).toEqual({ id: created.id, deleted: true });
    } finally {
      await client.close();
    }
  });

  it('step-up in the modern era: a read-only token gets 403 insufficient_scope naming the write scope', async () => {
    const client = await v2Client(h, await h.mint(ALICE, { scope: READ }), { pin: '2026-07-28' });
    try {
      await expect(client.callTool({ name: 'notes_create', arguments: { title: 'x', body: 'y' } })).rejects.toBeInstanceOf(InsufficientScopeError);
    } finally {
      await client.close();
    }
    const res = await fetch(h.resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await h.mint(ALICE, { scope: READ })}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'notes_create',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes_create', arguments: { title: 'x', body: 'y' }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${WRITE}", resource_metadata="${h.resourceMetadataUrl}"`);
  });

  it('the gate runs before any protocol processing in both eras: no token is a 401 challenge, even for server/discover', async () => {
    const res = await fetch(h.resource, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${h.resourceMetadataUrl}"`);
  });

  describe('Origin (MCP streamable HTTP, DNS-rebinding protection)', () => {
    it('the server\'s own public origin is same-origin, not rebinding: accepted', async () => {
      const res = await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: { origin: new URL(h.resource).origin } });
      expect(res.status).toBe(200);
    });

    it('a CORS preflight from an allowed origin allows the 2026-07-28 request headers', async () => {
      const res = await fetch(h.resource, { method: 'OPTIONS', headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'mcp-method,mcp-name' } });
      expect(res.status).toBe(204);
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const header of ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-method', 'mcp-name']) expect(allowed).toContain(header);
    });
  });

  describe('bounded requests over HTTP (batches left MCP in 2025-06-18)', () => {
    const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });

    it('a batch from a 2025-11-25 client is refused: 400, -32600', async () => {
      const res = await h.post([ping(1), ping(2)], { token, headers: { 'mcp-protocol-version': '2025-11-25' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32600);
    });

    it('a 2025-03-26 batch of 100 requests is refused whole, before any of them runs', async () => {
      h.resetStorageRequests();
      const notesList = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'notes_list', arguments: {} } });
      const res = await h.post(Array.from({ length: 100 }, (_, i) => notesList(i)), { token, headers: { 'mcp-protocol-version': '2025-03-26' } });
      expect(res.status).toBe(400);
      expect(h.storageRequests).toEqual([]);
    });
  });
});
