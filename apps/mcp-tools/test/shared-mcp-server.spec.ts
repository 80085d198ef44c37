import { ProtocolEndpoint } from '@mcp-cognito/mcp-server-kit';
import { ALICE, BOB, McpServerTestHarness, startMcpTools, resultJson } from './support/harness';

interface JsonRpcAnswer {
  jsonrpc: string;
  id: number | string;
  result?: { content: { type: string; text: string }[]; isError?: boolean };
  error?: { code: number; message: string };
}

const whoami = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
const notesList = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'notes_list', arguments: {} } });

describe('One SDK server for every caller: ids rewritten per request, the caller travels with the request', () => {
  let h: McpServerTestHarness;
  let aliceToken: string;
  let bobToken: string;

  beforeAll(async () => {
    h = await startMcpTools();
    aliceToken = await h.mint(ALICE);
    bobToken = await h.mint(BOB);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('concurrent calls of two users with the same JSON-RPC id each get their own answer, under their own id', async () => {
    const calls = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? { user: ALICE, token: aliceToken } : { user: BOB, token: bobToken }));
    const answers = await Promise.all(
      calls.map(async ({ user, token }) => {
        const res = await h.post(whoami(1), { token });
        expect(res.status).toBe(200);
        return { user, body: (await res.json()) as JsonRpcAnswer };
      }),
    );
    for (const { user, body } of answers) {
      expect(body.id).toBe(1);
      expect(resultJson(body.result)['sub']).toBe(user.sub);
    }
    expect(h.app.get(ProtocolEndpoint).inFlight).toBe(0);
  });

  it('a batch gets every answer back under the ids it used, in order', async () => {
    const res = await h.post([whoami('a'), notesList(7), whoami(0)], { token: aliceToken });
    expect(res.status).toBe(200);
    const body = (await res.json()) as JsonRpcAnswer[];
    expect(body.map((m) => m.id)).toEqual(['a', 7, 0]);
    expect(resultJson(body[0]?.result)['sub']).toBe(ALICE.sub);
    expect(resultJson(body[1]?.result)).toEqual({ notes: [] });
  });

  it('notifications/cancelled from one caller cannot cancel another caller\'s requests (they never reach the shared server)', async () => {
    // The server's internal ids are a counter: cancel every id it could have used so far and soon.
    const cancels = Array.from({ length: 400 }, (_, i) => ({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: i + 1, reason: 'x' } }));
    const [aliceAnswers, cancelStatus] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, (_, i) => h.post(notesList(i), { token: aliceToken }).then(async (r) => ({ status: r.status, body: (await r.json()) as JsonRpcAnswer })))),
      h.post(cancels, { token: bobToken }).then((r) => r.status),
    ]);
    expect(cancelStatus).toBe(202);
    for (const [i, answer] of aliceAnswers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body.id).toBe(i);
      expect(answer.body.result?.isError).toBeUndefined();
    }
    expect(h.app.get(ProtocolEndpoint).inFlight).toBe(0);
  });

  it.each([
    ['id null', { jsonrpc: '2.0', id: null, method: 'ping' }],
    ['id an object', { jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }],
    ['id a boolean', { jsonrpc: '2.0', id: true, method: 'tools/list' }],
  ])('a request-like message with an invalid id (%s) is answered at once, never left waiting', async (_name, message) => {
    const res = await h.post(message, { token: aliceToken });
    expect([200, 202, 400]).toContain(res.status);
    expect(h.app.get(ProtocolEndpoint).inFlight).toBe(0);
  });

  it('a JSON-RPC error (unknown method) comes back under the caller\'s id and leaves nothing in flight', async () => {
    const res = await h.post({ jsonrpc: '2.0', id: 'x-1', method: 'no/such/method', params: {} }, { token: aliceToken });
    expect(res.status).toBe(200);
    const body = (await res.json()) as JsonRpcAnswer;
    expect(body).toMatchObject({ id: 'x-1', error: { code: -32601 } });
    expect(h.app.get(ProtocolEndpoint).inFlight).toBe(0);
  });
});
