import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Metrics } from '@mcp-cognito/nest-platform';
import { ALICE, READ, WRITE, McpServerTestHarness, startMcpTools, resultJson, resultText } from './support/harness';

describe('MCP Streamable HTTP, stateless (real SDK client)', () => {
  let h: McpServerTestHarness;
  let client: Client;

  beforeAll(async () => {
    h = await startMcpTools();
    client = await h.client(await h.mint(ALICE));
  });
  afterAll(async () => {
    await client?.close();
    await h?.stop();
  });

  it('initialize answers plain JSON and no Mcp-Session-Id (stateless)', async () => {
    const res = await h.post(
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
      { token: await h.mint(ALICE) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const body = (await res.json()) as { result: { capabilities: Record<string, unknown>; serverInfo: { name: string } } };
    expect(body.result.serverInfo.name).toBe('mcp-tools');
    expect(Object.keys(body.result.capabilities)).toEqual(expect.arrayContaining(['tools', 'resources']));
  });

  it('tools/list lists every tool with its input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami', 'notes_list', 'notes_get', 'notes_create', 'notes_delete']);
    const create = tools.find((t) => t.name === 'notes_create');
    expect(create?.inputSchema).toMatchObject({
      type: 'object',
      properties: { title: { type: 'string', maxLength: 200 }, body: { type: 'string', maxLength: 10000 } },
      required: ['title', 'body'],
      additionalProperties: false,
    });
  });

  it('tool calls and refused tokens are counted as EMF metrics (ToolCalls by Tool, ResourceAuthFailures by Reason)', async () => {
    const metrics = h.app.get(Metrics);
    metrics.flush();
    await client.callTool({ name: 'whoami', arguments: {} });
    await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token: 'not-a-token' });
    const docs = metrics.flush().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(docs[0]).toMatchObject({ Service: 'mcp-tools', ToolCalls: 1, ResourceAuthFailures: 1 });
    expect(docs.find((d) => d['Tool'] === 'whoami')).toMatchObject({ ToolCalls: 1 });
    expect(docs.find((d) => typeof d['Reason'] === 'string')?.['Reason']).toBe('malformed');
  });

  it('whoami returns the identity from the validated token', async () => {
    const me = resultJson(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(me).toMatchObject({ sub: ALICE.sub, username: 'alice', groups: ['admins'], client_id: 'test-mcp-client', scopes: [READ, WRITE] });
    expect(me['expires_at']).toEqual(expect.any(Number));
    expect(me['expires_at'] as number).toBeGreaterThan(Date.now() / 1000);
  });

  it('notes_create, notes_list, notes_get and notes_delete work end to end', async () => {
    const created = resultJson<{ id: string; uri: string }>(
      await client.callTool({ name: 'notes_create', arguments: { title: 'Groceries', body: 'milk, eggs' } }),
    );
    expect(created.id).toMatch(/^[0-9a-z]{9}[0-9a-f]{10}$/);

    const list = resultJson<{ notes: Array<{ id: string; title: string }> }>(await client.callTool({ name: 'notes_list', arguments: {} }));
    expect(list.notes).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.id, title: 'Groceries' })]));

    const got = resultJson(await client.callTool({ name: 'notes_get', arguments: { id: created.id } }));
    expect(got).toMatchObject({ id: created.id, title: 'Groceries', body: 'milk, eggs' });

    expect(resultJson(await client.callTool({ name: 'notes_delete', arguments: { id: created.id } }))).toEqual({ id: created.id, deleted: true });
    const gone = await client.callTool({ name: 'notes_get', arguments: { id: created.id } });
    expect(gone.isError).toBe(true);
    expect(resultText(gone)).toBe(`Note ${created.id} not found`);
  });

  it('resources/list lists the caller\'s notes as note://{id} and resources/read returns one', async () => {
    const { id } = resultJson<{ id: string }>(await client.callTool({ name: 'notes_create', arguments: { title: 'Plan', body: 'step 1' } }));
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates).toEqual([expect.objectContaining({ name: 'note', uriTemplate: 'note://{id}' })]);

    const { resources } = await client.listResources();
    expect(resources).toEqual(expect.arrayContaining([expect.objectContaining({ uri: `note://${id}`, title: 'Plan', mimeType: 'text/markdown' })]));

    const read = await client.readResource({ uri: `note://${id}` });
    expect(read.contents).toEqual([{ uri: `note://${id}`, mimeType: 'text/markdown', text: '# Plan\n\nstep 1' }]);
  });

  it('resources/read of an unknown note is a JSON-RPC error, not a 500', async () => {
    await expect(client.readResource({ uri: 'note://0000000000000000000' })).rejects.toThrow(/Resource not found/);
    expect(resultJson(await client.callTool({ name: 'whoami', arguments: {} }))['sub']).toBe(ALICE.sub);
  });

  it.each(['GET', 'DELETE'])('%s /mcp answers 405 Allow: POST once authenticated (no standalone SSE stream, no session)', async (method) => {
    const res = await fetch(h.resource, { method, headers: { authorization: `Bearer ${await h.mint(ALICE)}`, accept: 'text/event-stream' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it.each(['GET', 'DELETE'])('%s /mcp without a token is still a 401 (authentication comes first)', async (method) => {
    const res = await fetch(h.resource, { method });
    expect(res.status).toBe(401);
    expect(res.headers.get('allow')).toBeNull();
  });
});
