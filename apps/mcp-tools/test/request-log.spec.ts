import { connect } from 'node:net';
import { ALICE, McpServerTestHarness, startMcpTools } from './support/harness';

/**
 * Under Jest `process.stdout.write` is already replaced, so pino writes its lines there (instead of to fd 1
 * through sonic-boom): they are caught there, and kept out of the test output. This file runs in its own
 * module registry, so its app owns the process-wide root logger that nestjs-pino keeps.
 */
function captureStdoutLines(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

const whoami = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };

describe('Request log: one line per request, correlated by x-request-id, without secrets (docs/architecture.md#invariants)', () => {
  const previous = process.env['TEST_LOG_LEVEL'];
  let h: McpServerTestHarness;
  let capture: ReturnType<typeof captureStdoutLines>;
  let token: string;

  beforeAll(async () => {
    process.env['TEST_LOG_LEVEL'] = 'info';
    capture = captureStdoutLines();
    h = await startMcpTools();
    token = await h.mint(ALICE);
  });
  afterAll(async () => {
    await h?.stop();
    capture?.restore();
    if (previous === undefined) delete process.env['TEST_LOG_LEVEL'];
    else process.env['TEST_LOG_LEVEL'] = previous;
  });

  const requestLines = (id: string) => capture.lines().filter((l) => (l['req'] as { id?: string } | undefined)?.id === id);

  it('a tool call: x-request-id answered, one info line with method, path, status, sub - and no token', async () => {
    const res = await h.post(whoami, { token });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id') as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 50));
    const lines = requestLines(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request completed', req: { id, method: 'POST', url: '/mcp' }, res: { statusCode: 200 }, sub: ALICE.sub });
    expect(typeof lines[0]?.['responseTime']).toBe('number');
    const everything = capture.lines().map((l) => JSON.stringify(l)).join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split('.')[2] as string);
    expect(everything).not.toMatch(/Bearer /i);
  });

  it('a caller\'s well-formed x-request-id is kept; a malformed one is replaced', async () => {
    const kept = await h.post(whoami, { token, headers: { 'x-request-id': 'trace-0123456789' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-0123456789');
    const replaced = await h.post(whoami, { token, headers: { 'x-request-id': 'bad id {"level":60}' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a refused request is logged at warn with its reason, and the refusal carries the id too', async () => {
    const res = await h.post(whoami, { token: `${token.slice(0, -4)}AAAA` });
    expect(res.status).toBe(401);
    const id = res.headers.get('x-request-id') as string;
    await new Promise((r) => setTimeout(r, 50));
    const lines = capture.lines();
    expect(lines.find((l) => l['event'] === 'resource.token_refused' && l['reqId'] === id)).toMatchObject({ level: 40, reason: expect.any(String) });
    expect(requestLines(id)).toEqual([expect.objectContaining({ level: 40, res: { statusCode: 401 } })]);
    expect(requestLines(id)[0]).not.toHaveProperty('sub');
  });

  it('a client that gives up before the answer still leaves a line (warn, "request aborted")', async () => {
    const { hostname: host, port } = new URL(h.url);
    const socket = connect(Number(port), host);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Headers and half of the body, then the client goes away.
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        'Accept: application/json, text/event-stream\r\nX-Request-Id: aborted-call-0001\r\nContent-Length: 200\r\n\r\n{"jsonrpc":"2.0",',
    );
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(requestLines('aborted-call-0001')).toEqual([expect.objectContaining({ level: 40, msg: 'request aborted', sub: ALICE.sub })]);
  });

  it('health checks are answered but not logged', async () => {
    const res = await fetch(`${h.url}/health`);
    const id = res.headers.get('x-request-id') as string;
    expect(id).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(requestLines(id)).toEqual([]);
  });
});
