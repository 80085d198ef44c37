import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KEY_PREFIXES } from '@mcp-cognito/contracts';
import { startDynalite, type EmbeddedDynamoDb } from '@mcp-cognito/dev-stack';

/**
 * dynalite (in this process) behind a counting HTTP proxy: services (separate processes) get the
 * proxy's URL as DYNAMODB_ENDPOINT, so every DynamoDB command any of them sends is counted here by its
 * `X-Amz-Target` (`DynamoDB_20120810.GetItem` -> `GetItem`). The MCP servers' revocation-feed reads (a Query of the
 * `REVOKED#feed` partition on a timer, docs/architecture.md#revocation) are counted apart: they are the feed's
 * cost per instance and minute, not a request of any call.
 */
export interface CountingDynamo {
  endpoint: string;
  counts: Map<string, number>;
  /** Queries of the revocation feed since the last reset (not in `counts`). */
  feedReads(): number;
  reset(): void;
  total(): number;
  snapshot(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startCountingDynamo(): Promise<CountingDynamo> {
  const dynamo: EmbeddedDynamoDb = await startDynalite();
  const target = new URL(dynamo.endpoint);
  const counts = new Map<string, number>();
  let feedReads = 0;
  const server: Server = createServer(async (req, res) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (op === 'Query' && body.includes(`"${KEY_PREFIXES.revocationFeed}feed"`)) feedReads++;
    else counts.set(op, (counts.get(op) ?? 0) + 1);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    feedReads: () => feedReads,
    reset: () => {
      counts.clear();
      feedReads = 0;
    },
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    snapshot: () => Object.fromEntries([...counts].sort()),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dynamo.stop();
    },
  };
}
