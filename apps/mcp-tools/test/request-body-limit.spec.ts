import { connect } from 'node:net';
import { MAX_BODY_BYTES } from '@mcp-cognito/mcp-server-kit';
import { ALICE, McpServerTestHarness, startMcpTools } from './support/harness';

/** One POST on its own raw connection: the body written whole, then whatever comes back until the connection ends. */
function rawPost(url: string, token: string, body: Buffer): Promise<{ answer: string; writeError?: string; readError?: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    let writeError: string | undefined;
    let readError: string | undefined;
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\n` +
          `accept: application/json, text/event-stream\r\ncontent-length: ${body.length}\r\n\r\n`,
      );
      socket.write(body, (err) => (writeError = (err as NodeJS.ErrnoException | null | undefined)?.code));
    });
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('error', (err: NodeJS.ErrnoException) => (readError ??= err.code));
    socket.on('close', () => resolve({ answer, writeError, readError }));
  });
}

describe('request body limit: 1 MiB, answered 413 as the SDK answers it', () => {
  let h: McpServerTestHarness;
  let token: string;

  beforeAll(async () => {
    h = await startMcpTools();
    token = await h.mint(ALICE);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const oversized = (bytes: number) =>
    Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes_create', arguments: { title: 'x', body: 'y'.repeat(bytes) } } }));

  it('a body over 1 MiB is 413 with a JSON-RPC error naming the limit', async () => {
    const res = await h.post(JSON.parse(oversized(MAX_BODY_BYTES).toString()) as unknown, { token });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes` }, id: null });
  });

  it('RFC 9112 §9.6: the rest of a 5 MiB body is read before the connection closes: every byte is accepted, the 413 arrives, no reset (10 in a row)', async () => {
    // Closing at once with the body unread made TCP reset the connection under the sender: its write failed (EPIPE)
    // and the 413 was lost - the local proxy answered 502, an ALB would too.
    const body = oversized(5 * MAX_BODY_BYTES);
    for (let i = 0; i < 10; i++) {
      const r = await rawPost(h.resource, token, body);
      expect({ writeError: r.writeError, readError: r.readError }).toEqual({ writeError: undefined, readError: undefined });
      expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(r.answer.toLowerCase()).toContain('connection: close');
      expect(r.answer).toContain('"code":-32000');
    }
  });
});
