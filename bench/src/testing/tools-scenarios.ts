import { join } from 'node:path';
import { buildServiceEnvironments, freePort, type DevSecrets } from '@mcp-cognito/dev-stack';
import type { CountingDynamo } from './counting-dynamo';
import { measure, type LoadResult } from './load';
import { probe, procStatus, rssMB, spawnPinned, type PinnedProcess } from './processes';
import type { BenchSettings } from './settings';
import type { BenchUser, TokenFactory } from './token-factory';

/** The one request every scenario sends. */
export const WHOAMI_BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

export type ScenarioKey = 'auth-replaced' | 'one-token' | 'token-per-request' | 'sdk-reference' | 'bare-node-http' | 'latency-floor';

export interface ScenarioResult {
  n: number;
  key: ScenarioKey;
  title: string;
  server: string;
  load: LoadResult;
  /** DynamoDB commands received while the scenario ran (warm-up + measurement). */
  dynamoCommands: Record<string, number>;
  /** JWKS documents served while it ran (the key caches at work). */
  jwksFetches: number;
  rssAfterLoadMB: number;
  serverCpus: string | undefined;
  notes: string[];
  /** Each round's own numbers (the scenario's `load` combines them). */
  rounds?: Array<{ requestsPerSecond: number; p50: number; p99: number; workMicroseconds?: number }>;
}

/**
 * Rounds combined: req/s = all completed requests / all measured seconds; p50/p90/mean latency = the
 * rounds' average; p99 and max = the worst round's (never better than any round saw).
 */
function combine(loads: LoadResult[]): LoadResult {
  const sum = (f: (l: LoadResult) => number) => loads.reduce((a, l) => a + f(l), 0);
  const avg = (f: (l: LoadResult) => number) => Math.round((sum(f) / loads.length) * 100) / 100;
  const max = (f: (l: LoadResult) => number) => Math.max(...loads.map(f));
  const statusCodes: Record<string, number> = {};
  for (const l of loads) for (const [code, n] of Object.entries(l.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const duration = sum((l) => l.durationSeconds);
  return {
    requestsPerSecond: Math.round(sum((l) => l.totalRequests) / duration),
    totalRequests: sum((l) => l.totalRequests),
    durationSeconds: Math.round(duration * 100) / 100,
    latencyMs: { p50: avg((l) => l.latencyMs.p50), p90: avg((l) => l.latencyMs.p90), p99: max((l) => l.latencyMs.p99), mean: avg((l) => l.latencyMs.mean), max: max((l) => l.latencyMs.max) },
    errors: sum((l) => l.errors),
    timeouts: sum((l) => l.timeouts),
    non2xx: sum((l) => l.non2xx),
    statusCodes,
  };
}

interface ScenarioSpec {
  n: number;
  key: ScenarioKey;
  title: string;
  server: string;
  start: () => Promise<PinnedProcess>;
  tokens: readonly string[];
  /** What the sanity request must answer in its whoami `sub`. */
  expectSub: (token: string) => string | undefined;
  notes: string[];
  /** Scenario 6: the synchronous work per request is tuned until throughput matches scenario 2's in the same round. */
  tunedToScenario?: number;
}

async function sanityCheck(url: string, token: string, expectSub: string | undefined): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: WHOAMI_BODY });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sanity request to ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text) as { result?: { content?: Array<{ text?: string }> } };
  const inner = json.result?.content?.[0]?.text;
  if (!inner) throw new Error(`sanity request to ${url}: no tool result in ${text.slice(0, 300)}`);
  if (expectSub !== undefined && !inner.includes(expectSub)) throw new Error(`sanity request to ${url}: expected sub ${expectSub} in ${inner}`);
}

export interface ToolsBenchContext {
  settings: BenchSettings;
  secrets: DevSecrets;
  dynamo: CountingDynamo;
  factory: TokenFactory;
  log: (line: string) => void;
}

export async function runToolsScenarios(ctx: ToolsBenchContext): Promise<{ results: ScenarioResult[]; users: number; tokenCacheNote: string }> {
  const { settings, factory, dynamo, log } = ctx;
  const port = await freePort();
  const toolsUrl = `http://127.0.0.1:${port}`;
  const mcpUrl = `${toolsUrl}/mcp`;
  const healthUrl = `${toolsUrl}/health`;
  const env = buildServiceEnvironments({
    secrets: ctx.secrets,
    dynamoEndpoint: dynamo.endpoint,
    idpUrl: factory.cognitoBase,
    gatewayUrl: factory.gatewayBase,
    toolsUrl,
    logLevel: settings.logLevel,
  });
  const toolsEnv = { ...env.tools, PORT: String(port) };

  log(`minting ${settings.users} users' tokens (RS256 Cognito-shaped token sealed in an ES256 gateway token)...`);
  const t0 = Date.now();
  const users: BenchUser[] = await factory.users(settings.users, mcpUrl);
  log(`  ${users.length} tokens in ${Date.now() - t0} ms`);
  const busy = users[0] as BenchUser;
  const bySub = new Map(users.map((u) => [u.token, u.sub]));

  const profileArgs = (key: string): string[] =>
    settings.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(settings.outDir, 'profiles')}`, `--cpu-prof-name=${key}.cpuprofile`] : [];
  const profileEnv: Record<string, string> = settings.cpuProfile ? { BENCH_EXIT_ON_SIGTERM: '1' } : {};
  const preload = ['-r', join(settings.root, 'dist/bench/preload.js')];
  const toolsMain = settings.toolsMain;
  const tools = (key: string, extraEnv: Record<string, string>) => () =>
    spawnPinned({
      name: `mcp-tools (${key})`,
      cpu: settings.serverCpu,
      nodeArgs: [...settings.toolsNodeArgs, ...preload, ...profileArgs(key)],
      main: toolsMain,
      env: { ...toolsEnv, ...profileEnv, ...extraEnv },
      healthUrl,
    });

  const bareHttp = (name: string, key: string) => () =>
    spawnPinned({ name, cpu: settings.serverCpu, nodeArgs: profileArgs(key), main: join(settings.root, 'dist/bench/bare-http.js'), env: { PORT: String(port) }, healthUrl });

  const specs: ScenarioSpec[] = [
    {
      n: 1,
      key: 'auth-replaced',
      title: 'mcp-tools, authentication replaced (fixed principal)',
      server: 'mcp-tools build + bench preload overriding the ACCESS_TOKEN_VERIFIER provider',
      start: tools('auth-replaced', { BENCH_OVERRIDE_AUTH: '1' }),
      tokens: [busy.token],
      expectSub: () => '00000000-0000-4000-8000-000000000001',
      notes: ['the request gate still runs (Origin, bearer parsing); only verify() returns a fixed principal'],
    },
    {
      n: 2,
      key: 'one-token',
      title: 'mcp-tools, one valid token repeated (busy client)',
      server: 'mcp-tools build (default TOKEN_CACHE_MAX_ENTRIES=10000)',
      start: tools('one-token', {}),
      tokens: [busy.token],
      expectSub: (t) => bySub.get(t),
      notes: ['first request verifies fully; later ones hit the verified-token cache (SHA-256 + map lookup)'],
    },
    {
      n: 3,
      key: 'token-per-request',
      title: `mcp-tools, a different valid token per request (${users.length} users)`,
      server: 'mcp-tools build with TOKEN_CACHE_MAX_ENTRIES=0',
      start: tools('token-per-request', { TOKEN_CACHE_MAX_ENTRIES: '0' }),
      tokens: users.map((u) => u.token),
      expectSub: (t) => bySub.get(t),
      notes: [
        'every request does the full two-layer check: ES256 gateway JWT, A256GCM JWE decrypt, RS256 Cognito JWT, sub binding',
        'the verified-token cache is disabled (TOKEN_CACHE_MAX_ENTRIES=0, an existing setting) so no request is answered from it',
      ],
    },
    {
      n: 4,
      key: 'sdk-reference',
      title: 'MCP SDK Express + requireBearerAuth (jose jwtVerify), new server per request',
      server: 'dist/bench/sdk-reference.js',
      start: () =>
        spawnPinned({
          name: 'sdk-reference',
          cpu: settings.serverCpu,
          nodeArgs: profileArgs('sdk-reference'),
          main: join(settings.root, 'dist/bench/sdk-reference.js'),
          env: { PORT: String(port), GATEWAY_ISSUER: factory.gatewayBase, GATEWAY_JWKS_URL: `${factory.gatewayBase}/.well-known/jwks.json`, MCP_RESOURCE: mcpUrl },
          healthUrl,
        }),
      tokens: [busy.token],
      expectSub: (t) => bySub.get(t),
      notes: ['verifies only the gateway JWT (ES256) on every request, no Cognito layer, no cache; no request logging'],
    },
    {
      n: 5,
      key: 'bare-node-http',
      title: 'bare node:http, fixed JSON-RPC answer',
      server: 'dist/bench/bare-http.js',
      start: bareHttp('bare-http', 'bare-node-http'),
      tokens: [busy.token],
      expectSub: () => undefined,
      notes: ['reads and parses the body, writes a fixed answer: the ceiling of this machine and load generator'],
    },
    {
      n: 6,
      key: 'latency-floor',
      title: "latency floor: bare node:http + fixed synchronous work per request, tuned to (2)'s throughput",
      server: 'dist/bench/bare-http.js with x-bench-work-us',
      start: bareHttp('bare-http (latency floor)', 'latency-floor'),
      tokens: [busy.token],
      expectSub: () => undefined,
      tunedToScenario: 2,
      notes: [
        "an ideal server at (2)'s throughput: the same connections, no framework, no awaits, no I/O - only busy CPU time per request, " +
          "tuned in short probes each round; its p99 is the lowest any server can show here at that throughput",
      ],
    },
  ];

  const only = process.env['BENCH_SCENARIOS']?.split(',').map((x) => Number(x.trim()));
  // BENCH_SCENARIOS picks scenarios and their order (e.g. `2,1` to check for order effects).
  const chosen = only ? only.map((n) => specs.find((s) => s.n === n)).filter((s): s is ScenarioSpec => s !== undefined) : specs;
  // Rounds, interleaved (1 2 3 4 5 6 1 2 3 4 5 6 ...): a slow minute of a shared machine hits every scenario,
  // not just one, so the ratios within a run stay fair. Each round: fresh server, warm-up, measure.
  const rounds = Math.max(1, settings.rounds);
  const perRoundSeconds = Math.max(1, Math.round(settings.durationSeconds / rounds));
  const collected = new Map<number, ScenarioResult & { roundLoads: LoadResult[]; roundWork: Array<number | undefined> }>();
  for (let round = 1; round <= rounds; round++) {
    for (const spec of chosen) {
      const target = spec.tunedToScenario === undefined ? undefined : collected.get(spec.tunedToScenario)?.roundLoads[round - 1];
      if (spec.tunedToScenario !== undefined && target === undefined) {
        log(`scenario ${spec.n} (${spec.key}) skipped: it is tuned to scenario ${spec.tunedToScenario}, which must run before it`);
        continue;
      }
      if (await probe(healthUrl, 300)) throw new Error(`port ${port} is still answering before ${spec.key} starts`);
      log(`scenario ${spec.n} (${spec.key}), round ${round}/${rounds}: starting ${spec.server}`);
      const server = await spec.start();
      try {
        for (const token of spec.tokens.slice(0, 3)) await sanityCheck(mcpUrl, token, spec.expectSub(token));
        const workMicroseconds = target === undefined ? undefined : await tuneWork(mcpUrl, settings.connections, target.requestsPerSecond, log);
        const extraHeaders: Record<string, string> = workMicroseconds === undefined ? {} : { 'x-bench-work-us': String(workMicroseconds) };
        dynamo.reset();
        const jwksBefore = factory.jwksHits();
        const load = await measure(
          {
            url: mcpUrl,
            method: 'POST',
            headers: { ...MCP_HEADERS, authorization: `Bearer ${busy.token}`, ...extraHeaders },
            body: WHOAMI_BODY,
            connections: settings.connections,
            tokenPool: spec.tokens.length > 1 ? spec.tokens : undefined,
          },
          settings.warmupSeconds,
          perRoundSeconds,
        );
        const previous = collected.get(spec.n);
        const dynamoCommands = { ...(previous?.dynamoCommands ?? {}) };
        for (const [op, count] of Object.entries(dynamo.snapshot())) dynamoCommands[op] = (dynamoCommands[op] ?? 0) + count;
        const roundLoads = [...(previous?.roundLoads ?? []), load];
        const roundWork = [...(previous?.roundWork ?? []), workMicroseconds];
        collected.set(spec.n, {
          n: spec.n,
          key: spec.key,
          title: spec.title,
          server: spec.server,
          load: combine(roundLoads),
          roundLoads,
          roundWork,
          dynamoCommands,
          jwksFetches: (previous?.jwksFetches ?? 0) + factory.jwksHits() - jwksBefore,
          rssAfterLoadMB: rssMB(server.pid),
          serverCpus: procStatus(server.pid, 'Cpus_allowed_list'),
          notes: spec.notes,
        });
        log(
          `  ${load.requestsPerSecond} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, non-2xx ${load.non2xx}, errors ${load.errors}, ` +
            `DynamoDB ${dynamo.total()}, server CPUs ${procStatus(server.pid, 'Cpus_allowed_list')}`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  const results: ScenarioResult[] = chosen.filter((spec) => collected.has(spec.n)).map((spec) => {
    const { roundLoads, roundWork, ...result } = collected.get(spec.n) as ScenarioResult & { roundLoads: LoadResult[]; roundWork: Array<number | undefined> };
    return {
      ...result,
      rounds: roundLoads.map((l, i) => ({ requestsPerSecond: l.requestsPerSecond, p50: l.latencyMs.p50, p99: l.latencyMs.p99, workMicroseconds: roundWork[i] })),
    };
  });
  return {
    results,
    users: users.length,
    tokenCacheNote: 'scenario 3 runs with TOKEN_CACHE_MAX_ENTRIES=0; scenario 2 with the default cache',
  };
}

/**
 * Finds the synchronous work per request (microseconds) at which the latency-floor server answers `targetRps`:
 * 1 s probes, each new guess interpolated (secant) between the last two on time per request, which grows
 * monotonically - if not linearly - with the work.
 */
async function tuneWork(url: string, connections: number, targetRps: number, log: (line: string) => void): Promise<number> {
  const periodAt = async (work: number) => {
    const load = await measure({ url, method: 'POST', headers: { ...MCP_HEADERS, 'x-bench-work-us': String(work) }, body: WHOAMI_BODY, connections }, 0, 1);
    return 1e6 / Math.max(1, load.requestsPerSecond);
  };
  const goal = 1e6 / targetRps;
  let [w0, t0] = [0, await periodAt(0)];
  let [w1, t1] = [Math.max(1, Math.round(goal - t0)), 0];
  t1 = await periodAt(w1);
  for (let i = 0; i < 6 && Math.abs(t1 - goal) / goal > 0.03; i++) {
    const slope = t1 !== t0 ? (w1 - w0) / (t1 - t0) : 1;
    const next = Math.max(0, Math.round(w1 + (goal - t1) * Math.min(4, Math.max(0.25, slope))));
    [w0, t0] = [w1, t1];
    w1 = next;
    t1 = await periodAt(w1);
  }
  log(`  tuned: ${w1} us of work per request -> ${Math.round(1e6 / t1)} req/s in a 1 s probe (target ${targetRps})`);
  return w1;
}
