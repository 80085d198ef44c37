/**
 * Scenario 5: the machine's ceiling - bare `node:http` reading the request body and answering a fixed
 * JSON-RPC response of the same shape as a whoami result. No framework, no auth, no MCP. Env: PORT.
 *
 * Scenario 6 (latency floor) runs the same server with `x-bench-work-us: N` on every request: N microseconds
 * of synchronous CPU work before answering - an ideal server (no I/O waits, no GC, no await) whose throughput
 * the bench tunes to scenario 2's, to show the latency this machine and load generator give at that throughput.
 */
import { createServer } from 'node:http';

const BODY = JSON.stringify({
  result: {
    content: [
      {
        type: 'text',
        text: JSON.stringify({
          sub: '00000000-0000-4000-8000-000000000001',
          username: 'bench-user',
          groups: [],
          client_id: 'bench-client',
          scopes: ['mcp-server/read', 'mcp-server/write'],
          expires_at: 0,
        }),
      },
    ],
  },
  jsonrpc: '2.0',
  id: 1,
});

function busyWait(microseconds: number): void {
  const until = process.hrtime.bigint() + BigInt(Math.round(microseconds * 1000));
  while (process.hrtime.bigint() < until) {
    // the work: nothing but CPU time
  }
}

createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const work = Number(req.headers['x-bench-work-us'] ?? 0);
    if (work > 0) busyWait(work);
    res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
  });
}).listen(Number(process.env['PORT']), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
