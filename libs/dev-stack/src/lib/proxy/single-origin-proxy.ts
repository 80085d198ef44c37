import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ProxyServer } from 'http-proxy-3';
import { ROUTES, routeFor, type RouteRule, type RouteService as ServiceName } from '@mcp-cognito/routing';

/**
 * The local stand-in for CloudFront + ALB (docs/architecture.md#topology): one origin in front of the gateway and every
 * MCP server, routed by the same path table infra turns into listener rules (`buildRoutes` / `routeFor` from
 * `@mcp-cognito/routing`, one route per server manifest). Unrouted paths get 404, as at the edge.
 *
 * - The `Host` header is passed through unchanged (no `changeOrigin`): the services build every URL
 *   from their configuration (`GATEWAY_ISSUER`, `MCP_RESOURCE`), never from `Host`, exactly as behind
 *   CloudFront. `X-Forwarded-For/-Proto/-Host` are added once, as the ALB does.
 * - Several instances per service, round-robin. An instance that refuses a connection is marked down
 *   for `downForMs` and the request goes to the next instance: a refused connection means nothing was
 *   sent, so retrying is safe for every method. Other upstream failures (reset, timeout) are retried
 *   only for idempotent methods and only while nothing has been sent to the client; a POST that may
 *   have reached an instance is never replayed (it could have consumed a code or rotated a token).
 * - Request bodies are buffered (bounded) so that a retry can send them again. The bound is well above the
 *   services' own limits (like the ALB, which has none of its own), so a service answers an oversized body
 *   itself; a body over the proxy's bound is read to its end and answered 413, never cut off mid-upload.
 * - Answers pass through whole: once an instance has started answering, a failure of the request side (an
 *   instance that answers before reading the whole body and closes, e.g. 413 or 401) no longer matters -
 *   the client gets that answer with its body. An instance that closes with part of the body unread makes TCP reset
 *   the connection, and the reset can break the proxy's write before the answer was read (RFC 9112 §9.6): nothing
 *   is left to pass on and the answer is 502, as an ALB's would be: the proxy cannot pass on an answer its connection
 *   lost. The services must read the rest first (mcp-server-kit `readRefusedBody` does for a 413).
 * - Until {@link SingleOriginProxy.setReady} is called (the local stack calls it once every service is
 *   healthy), and whenever no instance of a service accepts connections, the answer is 503 with
 *   `Retry-After`: the service is not there yet, which is not a bad gateway.
 * - With `healthPath`, every instance's health endpoint is polled; an instance that answers `draining` (it got
 *   SIGTERM, nest-platform `serveHttp`) gets no new requests - what ECS deregistration does for the ALB - while the
 *   requests it already has finish. Only a draining state counts: an instance whose table is down still serves
 *   (its own 503s are honest answers), as an ALB fails open when every target is unhealthy.
 */
export type UpstreamMap = Record<ServiceName, string[]>;

export interface SingleOriginProxyOptions {
  /** Listen port; `0` (default) picks a free one. */
  port?: number;
  /** Listen address; loopback only by default. */
  host?: string;
  /** Base URLs of the instances of each service, e.g. `http://127.0.0.1:3000`. */
  upstreams: Partial<UpstreamMap>;
  /** The path table (libs/routing `buildRoutes` of the workspace's servers). @default ROUTES (the gateway and mcp-tools) */
  routes?: readonly RouteRule[];
  /** How long an instance that refused a connection is skipped (ms, default 2000). */
  downForMs?: number;
  /** Largest request body the proxy buffers (bytes, default 8 MiB, above every service's own limit); larger -> 413. */
  maxBodyBytes?: number;
  /** Answer 503 + `Retry-After` to everything routed until `setReady(true)` (default: ready at once). */
  ready?: boolean;
  /** Upstream response timeout (ms, default 60 000). */
  proxyTimeoutMs?: number;
  /** Receives one line per notable event (instance marked down, retries, 502s). */
  log?: (line: string) => void;
  /** Polled on every instance (e.g. `/health`) to learn which ones are draining; unset: no polling. */
  healthPath?: string;
  /** Poll interval (ms, default 250); a stopping service should announce itself for a few intervals. */
  healthIntervalMs?: number;
}

export interface UpstreamState {
  service: ServiceName;
  url: string;
  /** Responses received from this instance (any status). */
  hits: number;
  /** Attempts that failed at the connection level. */
  failures: number;
  /** True while the instance is being skipped after a connection failure. */
  down: boolean;
  /** True while the instance's health endpoint says it is draining (it gets no new requests). */
  draining: boolean;
}

export interface SingleOriginProxy {
  /** The one public origin, e.g. `http://127.0.0.1:8080`: the issuer, and `<url>/mcp` is the MCP resource. */
  url: string;
  port: number;
  /** Every instance with its counters, in configuration order. */
  upstreams(service?: ServiceName): UpstreamState[];
  /** Responses per instance URL. */
  hits(service?: ServiceName): Record<string, number>;
  resetHits(): void;
  addUpstream(service: ServiceName, url: string): void;
  /** Takes an instance out of rotation (requests already sent to it finish normally). */
  removeUpstream(service: ServiceName, url: string): void;
  /** Opens (or closes) the proxy to traffic; while closed, routed requests get 503 + `Retry-After`. */
  setReady(ready: boolean): void;
  stop(): Promise<void>;
}

interface Upstream extends UpstreamState {
  downUntil: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Seconds a client is told to wait while a service is not (yet) there. */
const RETRY_AFTER_SECONDS = 1;

type BodyRead = { kind: 'ok'; body: Buffer } | { kind: 'too_large' };

/**
 * Buffers the request body up to `limit`. Past it, the rest is read and dropped (not kept): answering while
 * the client is still sending and closing the socket would reset the connection, and the client would see no
 * answer at all. A body many times over the bound is cut off (the proxy's own protection).
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit * 8) {
        req.destroy();
        return;
      }
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? { kind: 'too_large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function normalizeUrl(url: string): string {
  return new URL(url).origin;
}

function sendPlain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/** 503 + Retry-After: the service is not there (yet); the client may try the same request again. */
function sendUnavailable(res: ServerResponse, service: ServiceName): void {
  sendPlain(res, 503, `Service Unavailable (${service} is not ready)`, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

export async function startSingleOriginProxy(options: SingleOriginProxyOptions): Promise<SingleOriginProxy> {
  const downForMs = options.downForMs ?? 2000;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  let ready = options.ready ?? true;
  const log = options.log ?? (() => undefined);
  const routes = options.routes ?? ROUTES;
  const SERVICES: readonly ServiceName[] = [...new Set(routes.map((r) => r.service))];
  const pools = new Map<ServiceName, Upstream[]>(SERVICES.map((s) => [s, []]));
  const cursor = new Map<ServiceName, number>(SERVICES.map((s) => [s, 0]));

  const addUpstream = (service: ServiceName, url: string) => {
    const pool = pools.get(service);
    if (!pool) throw new Error(`no route serves ${service}: give the proxy a path table (routes) that names it`);
    const origin = normalizeUrl(url);
    if (!pool.some((u) => u.url === origin)) pool.push({ service, url: origin, hits: 0, failures: 0, down: false, draining: false, downUntil: 0 });
  };
  for (const service of SERVICES) for (const url of options.upstreams[service] ?? []) addUpstream(service, url);

  /**
   * The instances to try, in order: round-robin among those up, then those marked down (they may be back). Draining
   * instances come last of all: only when nothing else is left (they still answer until their listener closes).
   */
  const candidates = (service: ServiceName): Upstream[] => {
    const pool = pools.get(service)!;
    if (pool.length === 0) return [];
    const now = Date.now();
    for (const u of pool) u.down = u.downUntil > now;
    const start = cursor.get(service)! % pool.length;
    cursor.set(service, start + 1);
    const rotated = [...pool.slice(start), ...pool.slice(0, start)];
    const serving = rotated.filter((u) => !u.draining);
    return [...serving.filter((u) => !u.down), ...serving.filter((u) => u.down), ...rotated.filter((u) => u.draining)];
  };

  const healthPath = options.healthPath;
  const healthIntervalMs = options.healthIntervalMs ?? 250;
  /** Asks one instance whether it is draining; any other answer (up, dependency down, unreachable) is "not draining". */
  const pollHealth = async (u: Upstream) => {
    try {
      const res = await fetch(`${u.url}${healthPath}`, { signal: AbortSignal.timeout(healthIntervalMs * 4) });
      const body = (await res.json().catch(() => undefined)) as { error?: { lifecycle?: { state?: string } } } | undefined;
      const draining = res.status === 503 && body?.error?.lifecycle?.state === 'draining';
      if (draining !== u.draining) log(`${u.service} ${u.url}: ${draining ? 'draining, no new requests' : 'serving'}`);
      u.draining = draining;
    } catch {
      // unreachable or slow: the connection-level handling decides
    }
  };
  let polling = false;
  const healthTimer = healthPath
    ? setInterval(() => {
        if (polling) return;
        polling = true;
        void Promise.all(SERVICES.flatMap((s) => pools.get(s)!).map(pollHealth)).finally(() => (polling = false));
      }, healthIntervalMs).unref()
    : undefined;

  // No keep-alive to the instances: a pooled socket to an instance that is shutting down could fail
  // after the request was written, and such a request must not be retried. One connection per request
  // keeps "refused" unambiguous (loopback connections are cheap).
  const agent = new Agent({ keepAlive: false });
  const proxy = new ProxyServer({ agent, xfwd: false, changeOrigin: false, proxyTimeout: options.proxyTimeoutMs ?? 60_000 });
  // Errors are handled per request through the callback below; this only keeps stray ones from crashing.
  proxy.on('error', (err) => log(`proxy error: ${err.message}`));
  const inflight = new WeakMap<IncomingMessage, Upstream>();
  /** Requests whose answer has started to arrive: from then on the answer is passed through, whatever the request side does. */
  const answered = new WeakSet<IncomingMessage>();
  proxy.on('proxyRes', (proxyRes, req) => {
    answered.add(req);
    const upstream = inflight.get(req);
    if (upstream) upstream.hits++;
    // `Connection: close` is about the proxy's own upstream connection; the client's stays keep-alive.
    delete proxyRes.headers['connection'];
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const service = routeFor(path, routes);
    if (!service) {
      req.resume();
      sendPlain(res, 404, 'Not Found');
      return;
    }
    if (!ready) {
      req.resume();
      sendUnavailable(res, service);
      return;
    }
    let read: BodyRead;
    try {
      read = await readBody(req, maxBody);
    } catch {
      // The client went away (or sent garbage) mid-body: nobody is left to answer.
      if (!res.destroyed) sendPlain(res, 400, 'Bad Request', { connection: 'close' });
      return;
    }
    if (read.kind === 'too_large') {
      sendPlain(res, 413, 'Payload Too Large');
      return;
    }
    const body = read.body;
    const socket = req.socket;
    const forwardedFor = req.headers['x-forwarded-for'];
    req.headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${socket.remoteAddress ?? ''}` : (socket.remoteAddress ?? '');
    req.headers['x-forwarded-proto'] = 'http';
    req.headers['x-forwarded-host'] = req.headers['x-forwarded-host'] ?? req.headers.host ?? '';

    const order = candidates(service);
    if (order.length === 0) {
      sendPlain(res, 503, `No instance of ${service} is configured`);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();

    const attempt = (i: number) => {
      const upstream = order[i]!;
      inflight.set(req, upstream);
      proxy.web(req, res, { target: upstream.url, buffer: Readable.from(body.length > 0 ? [body] : []) }, (err) => {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (answered.has(req)) {
          // The instance answered before it read the whole body (401, 413...) and closed: the answer is already on its way.
          log(`${method} ${path} -> ${service} ${upstream.url}: answered early (${code || err.message}), passing the answer through`);
          return;
        }
        const refused = CONNECT_ERRORS.has(code);
        upstream.failures++;
        if (refused) {
          upstream.downUntil = Date.now() + downForMs;
          upstream.down = true;
        }
        const retry = !res.headersSent && !res.destroyed && (refused || IDEMPOTENT.has(method)) && i + 1 < order.length;
        // A broken pipe while sending means the instance closed before reading the whole request (RFC 9112 §9.6).
        const cut = code === 'EPIPE' ? ' (the instance closed before reading the whole request)' : '';
        log(`${method} ${path} -> ${service} ${upstream.url}: ${code || err.message}${cut}${refused ? ' (marked down)' : ''}${retry ? ', retrying on the next instance' : ''}`);
        if (retry) attempt(i + 1);
        // Every instance refused: none is there (starting, restarting) - 503, as an ALB answers with no healthy target.
        else if (refused && order.every((u) => u.down)) sendUnavailable(res, service);
        else sendPlain(res, 502, `Bad Gateway (${service})`);
      });
    };
    attempt(0);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`proxy failure: ${error instanceof Error ? error.message : String(error)}`);
      sendPlain(res, 500, 'Internal Server Error');
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostLabel = host.includes(':') ? `[${host}]` : host;

  const snapshot = (u: Upstream): UpstreamState => ({
    service: u.service,
    url: u.url,
    hits: u.hits,
    failures: u.failures,
    down: u.downUntil > Date.now(),
    draining: u.draining,
  });
  const all = (service?: ServiceName) => (service ? (pools.get(service) ?? []) : SERVICES.flatMap((s) => pools.get(s)!));

  return {
    url: `http://${hostLabel}:${port}`,
    port,
    upstreams: (service) => all(service).map(snapshot),
    hits: (service) => Object.fromEntries(all(service).map((u) => [u.url, u.hits])),
    resetHits: () => {
      for (const u of all()) {
        u.hits = 0;
        u.failures = 0;
      }
    },
    addUpstream,
    setReady: (value) => {
      ready = value;
    },
    removeUpstream: (service, url) => {
      const pool = pools.get(service) ?? [];
      const origin = normalizeUrl(url);
      const index = pool.findIndex((u) => u.url === origin);
      if (index >= 0) pool.splice(index, 1);
    },
    stop: async () => {
      clearInterval(healthTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(force);
      agent.destroy();
    },
  };
}
