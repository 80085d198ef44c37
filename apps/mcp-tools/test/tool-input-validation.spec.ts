import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ALICE, McpServerTestHarness, startMcpTools, resultJson, resultText } from './support/harness';

describe('Tool input validation (zod bounds): bad input is an isError result, never a crash', () => {
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

  it.each([
    ['notes_create: title over 200 chars', 'notes_create', { title: 'x'.repeat(201), body: 'b' }, /title/],
    ['notes_create: empty title', 'notes_create', { title: '', body: 'b' }, /title/],
    ['notes_create: body over 10 000 chars', 'notes_create', { title: 't', body: 'x'.repeat(10_001) }, /body/],
    ['notes_create: missing body', 'notes_create', { title: 't' }, /body/],
    ['notes_create: unknown property', 'notes_create', { title: 't', body: 'b', owner: 'someone' }, /owner|unrecognized/i],
    ['notes_get: id with path/key characters', 'notes_get', { id: '../../USER#x' }, /id/],
    ['notes_get: id of the wrong type', 'notes_get', { id: 42 }, /id/],
    ['notes_delete: id with trailing junk', 'notes_delete', { id: '0000000000000000000 OR 1=1' }, /id/],
    ['notes_list: limit over 100', 'notes_list', { limit: 1000 }, /limit/],
    ['notes_list: cursor with bad characters', 'notes_list', { cursor: 'not a cursor!' }, /cursor/],
    ['whoami: any argument', 'whoami', { anything: true }, /anything|unrecognized/i],
  ])('%s -> isError', async (_label, name, args, message) => {
    h.resetStorageRequests();
    const res = await client.callTool({ name, arguments: args });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(message);
    expect(h.storageRequests).toEqual([]);
  });

  it('limits are inclusive: a 200-char title and a 10 000-char body are accepted', async () => {
    const res = await client.callTool({ name: 'notes_create', arguments: { title: 'x'.repeat(200), body: 'y'.repeat(10_000) } });
    expect(res.isError).toBeFalsy();
  });

  it('a well-formed but undecodable cursor is a tool error too', async () => {
    const res = await client.callTool({ name: 'notes_list', arguments: { cursor: 'AAAA' } });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toBe('Invalid cursor');
  });

  it('an unknown tool is a JSON-RPC error -32602 (MCP tools, "Error Handling": a protocol error, not a tool result)', async () => {
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('no_such_tool') });
  });

  it('the server keeps serving after bad input', async () => {
    expect(resultJson(await client.callTool({ name: 'whoami', arguments: {} }))['sub']).toBe(ALICE.sub);
  });
});
