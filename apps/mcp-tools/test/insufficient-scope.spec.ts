import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ALICE, READ, WRITE, McpServerTestHarness, startMcpTools, resultJson } from './support/harness';

const call = (name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } });
const read = (uri: string) => ({ jsonrpc: '2.0', id: 8, method: 'resources/read', params: { uri } });

describe('MCP step-up authorization: 403 insufficient_scope (RFC 6750 §3.1)', () => {
  let h: McpServerTestHarness;
  let readOnly: string;
  let writeOnly: string;
  let noteId: string;

  beforeAll(async () => {
    h = await startMcpTools();
    readOnly = await h.mint(ALICE, { scope: READ });
    writeOnly = await h.mint(ALICE, { scope: WRITE });
    const full = await h.client(await h.mint(ALICE));
    noteId = resultJson<{ id: string }>(await full.callTool({ name: 'notes_create', arguments: { title: 't', body: 'b' } })).id;
    await full.close();
  });
  afterAll(() => h?.stop());

  const challenge = (scope: string) => `Bearer error="insufficient_scope", scope="${scope}", resource_metadata="${h.resourceMetadataUrl}"`;

  it.each([
    ['notes_create', { title: 'x', body: 'y' }],
    ['notes_delete', { id: '0000000000000000000' }],
  ])('read-only token: %s -> 403 with the exact challenge', async (name, args) => {
    h.resetStorageRequests();
    const res = await h.post(call(name, args), { token: readOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge(WRITE));
    expect(await res.json()).toEqual({ error: 'insufficient_scope', error_description: `This operation needs the scope(s): ${WRITE}` });
    expect(h.storageRequests).toEqual([]);
  });

  it.each([
    ['notes_list', {}],
    ['notes_get', { id: '0000000000000000000' }],
  ])('write-only token: %s -> 403 scope="mcp-server/read"', async (name, args) => {
    const res = await h.post(call(name, args), { token: writeOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge(READ));
  });

  it('write-only token: resources/read of a note -> 403, also with a differently cased scheme', async () => {
    for (const uri of [`note://${noteId}`, `NOTE://${noteId}`]) {
      const res = await h.post(read(uri), { token: writeOnly });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe(challenge(READ));
    }
  });

  it('a batch needs every scope any of its calls needs', async () => {
    const res = await h.post([call('notes_list'), call('notes_create', { title: 'x', body: 'y' })], { token: readOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge(`${READ} ${WRITE}`));
  });

  it('read-only token: tools/list lists every tool (so the client can step up) and read tools run', async () => {
    const client = await h.client(readOnly);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['whoami', 'notes_list', 'notes_get', 'notes_create', 'notes_delete']);
    expect(resultJson(await client.callTool({ name: 'notes_get', arguments: { id: noteId } }))['id']).toBe(noteId);
    expect(resultJson(await client.callTool({ name: 'whoami', arguments: {} }))['scopes']).toEqual([READ]);
    expect((await client.readResource({ uri: `note://${noteId}` })).contents).toHaveLength(1);

    // The SDK client sees the 403 as an HTTP error (with an auth provider it would step up).
    const refused = client.callTool({ name: 'notes_create', arguments: { title: 'x', body: 'y' } });
    await expect(refused).rejects.toBeInstanceOf(StreamableHTTPError);
    await expect(refused).rejects.toMatchObject({ code: 403 });
    await client.close();
  });

  it('write-only token: initialize, ping, tools/list and resources/list need only a valid token; the list hides notes', async () => {
    const client = await h.client(writeOnly);
    await client.ping();
    expect((await client.listTools()).tools).toHaveLength(5);
    expect((await client.listResourceTemplates()).resourceTemplates).toHaveLength(1);
    expect((await client.listResources()).resources).toEqual([]);
    expect(resultJson(await client.callTool({ name: 'notes_create', arguments: { title: 'w', body: 'o' } }))['id']).toEqual(expect.any(String));
    await client.close();
  });

  it('a token with both scopes sees its notes in resources/list', async () => {
    const client = await h.client(await h.mint(ALICE));
    expect((await client.listResources()).resources.map((r) => r.uri)).toContain(`note://${noteId}`);
    await client.close();
  });
});
