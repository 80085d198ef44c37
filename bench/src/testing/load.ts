/**
 * autocannon, in this process (pinned to the load-generator core by `taskset -c 1` on the bench command).
 */

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

interface AutocannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  requests?: AutocannonRequest[];
}

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  total: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
}

export interface AutocannonResult {
  requests: Histogram & { sent: number };
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}

// autocannon ships no types; this is the part of its API the bench uses.
const autocannon = require('autocannon') as (opts: AutocannonOptions) => Promise<AutocannonResult>;

export interface LoadResult {
  requestsPerSecond: number;
  totalRequests: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

function summarize(r: AutocannonResult): LoadResult {
  return {
    // total completed / wall time (autocannon's per-second average drops the partial last second)
    requestsPerSecond: Math.round(r.requests.total / r.duration),
    totalRequests: r.requests.total,
    durationSeconds: Math.round(r.duration * 100) / 100,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: Math.round(r.latency.mean * 100) / 100, max: r.latency.max },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}

export interface LoadSpec {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** Rotates the Authorization header: one token per request, round-robin over the pool. */
  tokenPool?: readonly string[];
}

function options(spec: LoadSpec): AutocannonOptions {
  const base: AutocannonOptions = { url: spec.url, method: spec.method, headers: spec.headers, body: spec.body, connections: spec.connections, timeout: 10 };
  const pool = spec.tokenPool;
  if (pool && pool.length > 0) {
    let next = 0;
    base.requests = [
      {
        setupRequest: (req) => {
          const token = pool[next++ % pool.length] as string;
          return { ...req, headers: { ...spec.headers, authorization: `Bearer ${token}` } };
        },
      },
    ];
  }
  return base;
}

/** A warm-up run (discarded), then the measured run; `around` brackets the measured run only. */
export async function measure(
  spec: LoadSpec,
  warmupSeconds: number,
  durationSeconds: number,
  around?: { before(): void; after(): void },
): Promise<LoadResult> {
  if (warmupSeconds > 0) await autocannon({ ...options(spec), duration: warmupSeconds });
  around?.before();
  const result = await autocannon({ ...options(spec), duration: durationSeconds });
  around?.after();
  return summarize(result);
}

/**
 * Exactly `bodies.length` requests, each with its own body (single-use codes, refresh tokens), and
 * every response (status + body) by request index. Each connection has one request in flight
 * (no pipelining), so the connection's context names the request its response belongs to.
 */
export async function measureEach(
  url: string,
  headers: Record<string, string>,
  bodies: readonly string[],
  connections: number,
): Promise<{ load: LoadResult; responses: Array<{ status: number; body: string } | undefined> }> {
  let next = 0;
  const responses: Array<{ status: number; body: string } | undefined> = new Array(bodies.length);
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    connections: Math.min(connections, bodies.length),
    amount: bodies.length,
    timeout: 30,
    requests: [
      {
        setupRequest: (req, context) => {
          const index = next++;
          if (index >= bodies.length) throw new Error('more requests than bodies: a single-use token would be replayed');
          context['index'] = index;
          return { ...req, body: bodies[index] as string };
        },
        onResponse: (status, body, context) => {
          responses[context['index'] as number] = { status, body };
        },
      },
    ],
  });
  return { load: summarize(result), responses };
}
