import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ALICE, BOB, McpServerTestHarness, startMcpTools, resultJson, resultText } from './support/harness';

describe('Per-user isolation: keys come from the token\'s sub, never from input', () => {
  let h: McpServerTestHarness;
  let alice: Client;
  let bob: Client;
  let aliceNote: string;

  beforeAll(async () => {
    h = await startMcpTools();
    alice = await h.client(await h.mint(ALICE));
    bob = await h.client(await h.mint(BOB));
    aliceNote = resultJson<{ id: string }>(await alice.callTool({ name: 'notes_create', arguments: { title: 'secret', body: 'alice only' } })).id;
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await h?.stop();
  });

  it('bob is bob (a second real Cognito user)', async () => {
    expect(resultJson(await bob.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ sub: BOB.sub, username: 'bob', groups: [] });
  });

  it('alice\'s notes are invisible to bob in notes_list and resources/list', async () => {
    const list = resultJson<{ notes: unknown[] }>(await bob.callTool({ name: 'notes_list', arguments: {} }));
    expect(list.notes).toEqual([]);
    expect((await bob.listResources()).resources).toEqual([]);
    // ... while alice sees hers (the lists above are empty for the right reason).
    expect((await alice.listResources()).resources.map((r) => r.uri)).toEqual([`note://${aliceNote}`]);
  });

  it('bob cannot read alice\'s note by id (tool or resource)', async () => {
    const got = await bob.callTool({ name: 'notes_get', arguments: { id: aliceNote } });
    expect(got.isError).toBe(true);
    expect(resultText(got)).toBe(`Note ${aliceNote} not found`);
    await expect(bob.readResource({ uri: `note://${aliceNote}` })).rejects.toThrow(/Resource not found/);
  });

  it('bob cannot delete alice\'s note, and it survives', async () => {
    const del = await bob.callTool({ name: 'notes_delete', arguments: { id: aliceNote } });
    expect(del.isError).toBe(true);
    expect(resultJson(await alice.callTool({ name: 'notes_get', arguments: { id: aliceNote } }))['body']).toBe('alice only');
  });

  it('input cannot name the owner: an extra owner/sub argument is refused', async () => {
    const res = await bob.callTool({ name: 'notes_list', arguments: { sub: ALICE.sub } });
    expect(res.isError).toBe(true);
  });
});
