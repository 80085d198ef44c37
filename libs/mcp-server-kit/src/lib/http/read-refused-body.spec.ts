import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readRefusedBody, type RefusedBodyBounds, type RefusedBodyOutcome } from './read-refused-body';

/**
 * A server that refuses every body at once (as fastify does over its limit), reads the rest within `bounds`, answers
 * 413 and closes the connection: what a raw client sees of it, byte for byte.
 */
async function refusingServer(bounds: RefusedBodyBounds): Promise<{ server: Server; port: number; outcomes: RefusedBodyOutcome[] }> {
  const outcomes: RefusedBodyOutcome[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    void readRefusedBody(req, bounds).then((outcome) => {
      outcomes.push(outcome);
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('too large');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, outcomes };
}

/** Sends `head` then `body` on a raw connection; resolves with what came back and how the connection ended. */
function send(port: number, head: string, body?: Buffer): Promise<{ answer: string; writeError?: string; readError?: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let answer = '';
    let writeError: string | undefined;
    let readError: string | undefined;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      if (body) socket.write(body, (err) => (writeError = (err as NodeJS.ErrnoException | null | undefined)?.code));
    });
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => (readError ??= err.code));
    socket.on('close', () => resolve({ answer, writeError, readError, ms: Date.now() - started }));
  });
}

const head = (length: number) => `POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

describe('RFC 9112 §9.6: a refused body is read before the connection closes, so no reset erases the answer', () => {
  let s: Awaited<ReturnType<typeof refusingServer>> | undefined;
  afterEach(async () => {
    s?.server.closeAllConnections();
    await new Promise<void>((r) => (s ? s.server.close(() => r()) : r()));
    s = undefined;
  });

  it('a 5 MiB body sent whole: every byte is accepted, then the 413 arrives and the connection ends cleanly', async () => {
    s = await refusingServer({ maxBytes: 8 * 1_048_576, maxMs: 10_000 });
    const size = 5 * 1_048_576;
    const r = await send(s.port, head(size), Buffer.alloc(size, 'y'));
    expect(r.writeError).toBeUndefined();
    expect(r.readError).toBeUndefined();
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.answer).toContain('too large');
    expect(s.outcomes).toEqual(['read']);
  });

  it('the fault it prevents: a server that answers and closes at once leaves the sender of 16 MiB a broken connection', async () => {
    const server = createServer((_req, res) => res.writeHead(413, { connection: 'close' }).end('too large'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const size = 16 * 1_048_576;
      const r = await send((server.address() as AddressInfo).port, head(size), Buffer.alloc(size, 'y'));
      expect(r.writeError ?? r.readError).toMatch(/^(EPIPE|ECONNRESET)$/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a body declared over the bound is not read at all: the 413 comes at once', async () => {
    s = await refusingServer({ maxBytes: 1_048_576, maxMs: 10_000 });
    const r = await send(s.port, head(100 * 1_048_576));
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.ms).toBeLessThan(2_000);
    expect(s.outcomes).toEqual(['too_large']);
  });

  it('a body that stalls is answered after the time bound, never waited for without end', async () => {
    s = await refusingServer({ maxBytes: 1_048_576, maxMs: 300 });
    const r = await send(s.port, head(200_000), Buffer.alloc(1_000, 'y'));
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.ms).toBeGreaterThanOrEqual(250);
    expect(r.ms).toBeLessThan(3_000);
    expect(s.outcomes).toEqual(['too_slow']);
  });

  it('a chunked body that runs past the byte bound stops being waited for', async () => {
    s = await refusingServer({ maxBytes: 64 * 1024, maxMs: 10_000 });
    const chunk = Buffer.alloc(32 * 1024, 'y');
    const chunked = Buffer.concat([0, 1, 2, 3].flatMap(() => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    const r = await send(s.port, 'POST /mcp HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n', chunked);
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(s.outcomes).toEqual(['too_large']);
  });

  it('a client that goes away mid-body ends the wait at once', async () => {
    s = await refusingServer({ maxBytes: 1_048_576, maxMs: 10_000 });
    const started = Date.now();
    const socket = connect(s.port, '127.0.0.1', () => {
      socket.write(head(500_000));
      socket.write(Buffer.alloc(1_000, 'y'), () => setTimeout(() => socket.destroy(), 50));
    });
    socket.on('error', () => undefined);
    while (s.outcomes.length === 0 && Date.now() - started < 3_000) await new Promise((r) => setTimeout(r, 20));
    expect(s.outcomes).toEqual(['aborted']);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
