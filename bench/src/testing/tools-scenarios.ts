import { join } from 'node:path';
import { buildServiceEnvironments, freePort, type DevSecrets } from '@mcp-cognito/dev-stack';
import type { CountingDynamo } from './counting-dynamo';
import { measure, type LoadResult } from './load';
import { coreBusyMicroseconds, cpuMicroseconds, probe, procStatus, rssMB, spawnPinned, type PinnedProcess } from './processes';
import type { BenchSettings } from './settings';
import type { BenchUser, TokenFactory } from './token-factory';

/**
 * The one call every scenario makes - `tools/call whoami` - in each protocol era's form. 2025-11-25: the
 * JSON-RPC request with `MCP-Protocol-Version`. 2026-07-28: the same call with `_meta` carrying the protocol
 * version and client capabilities, and the routing headers `Mcp-Method` / `Mcp-Name` that must match the body.
 */
export type Era = '2025-11-25' | '2026-07-28';
export const WHOAMI_REQUEST: Record<Era, { headers: Record<string, string>; body: string }> = {
  '2025-11-25': {
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  },
  '2026-07-28': {
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'whoami',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'whoami',
        arguments: {},
        _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} },
      },
    }),
  },
};

/**
 * Scenario ids: 1-6 send the 2025-11-25 request; an `m` suffix marks the same scenario with the 2026-07-28
 * ("modern") request. 4 is the v1 SDK's reference pattern, 4m the v2 SDK's.
 */
export type ScenarioId = '1' | '2' | '3' | '1m' | '2m' | '3m' | '4' | '4m' | '5' | '6' | `${OwnScenario}b`;
/** The scenarios of mcp-tools itself; with `BENCH_TOOLS_MAIN_B` each also runs on the second build, id + `b`. */
type OwnScenario = '1' | '2' | '3' | '1m' | '2m' | '3m';
export type ScenarioKey =
  | 'auth-replaced'
  | 'one-token'
  | 'token-per-request'
  | 'auth-replaced-2026'
  | 'one-token-2026'
  | 'token-per-request-2026'
  | 'sdk-reference'
  | 'sdk-v2-reference'
  | 'bare-node-http'
  | 'latency-floor'
  | `${'auth-replaced' | 'one-token' | 'token-per-request'}${'' | '-2026'}-b`;

export interface ScenarioResult {
  id: ScenarioId;
  era: Era;
  key: ScenarioKey;
  title: string;
  server: string;
  load: LoadResult;
  /** DynamoDB commands received while the scenario ran (warm-up + measurement), the revocation feed's reads excepted. */
  dynamoCommands: Record<string, number>;
  /** The revocation feed's reads (the server's timer, one instance) and the seconds they were counted over. */
  revocationFeed: { reads: number; seconds: number };
  /** JWKS documents served while it ran (the key caches at work). */
  jwksFetches: number;
  rssAfterLoadMB: number;
  serverCpus: string | undefined;
  notes: string[];
  /**
   * The server's CPU time per completed request over the measured phases (user + system, from /proc), in
   * microseconds: what one call costs the server, much less sensitive to a busy machine than req/s.
   */
  cpuMicrosecondsPerRequest: number;
  /** Each round's own numbers (the scenario's `load` combines them). */
  rounds?: Array<{ requestsPerSecond: number; p50: number; p99: number; workMicroseconds?: number; cpuMicrosecondsPerRequest?: number; otherProcessesOnCorePercent?: number; otherProcessesOnLoadCorePercent?: number }>;
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
  id: ScenarioId;
  era: Era;
  key: ScenarioKey;
  title: string;
  server: string;
  start: () => Promise<PinnedProcess>;
  /** mcp-tools scenarios: the same server started from another build (`BENCH_TOOLS_MAIN_B`). */
  startBuild?: (main: string) => () => Promise<PinnedProcess>;
  tokens: readonly string[];
  /** What the sanity request must answer in its whoami `sub`. */
  expectSub: (token: string) => string | undefined;
  notes: string[];
  /** Scenario 6: the synchronous work per request is tuned until throughput matches scenario 2's in the same round. */
  tunedToScenario?: ScenarioId;
}

async function sanityCheck(url: string, era: Era, token: string, expectSub: string | undefined): Promise<void> {
  const { headers, body } = WHOAMI_REQUEST[era];
  const res = await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sanity request to ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text) as { result?: { content?: Array<{ text?: string }> } };
  const inner = json.result?.content?.[0]?.text;
  if (!inner) throw new Error(`sanity request to ${url}: no tool result in ${text.slice(0, 300)}`);
  if (expectSub !== undefined && !inner.includes(expectSub)) throw new Error(`sanity request to ${url}: expected sub ${expectSub} in ${inner}`);
}

/**
 * A measured round during which other processes used more than this share of the server's core (or of the load
 * generator's) is contended: its
 * server CPU per request and latencies say more about the other job than about the server (bench/README.md).
 */
export const CONTENDED_PERCENT = 5;

export interface ToolsBenchContext {
  settings: BenchSettings;
  secrets: DevSecrets;
  dynamo: CountingDynamo;
  factory: TokenFactory;
  log: (line: string) => void;
}

/** The revocation feed's cost on one mcp-tools instance, counted while it serves calls (docs/architecture.md#revocation). */
export interface FeedCost {
  seconds: number;
  /** Queries of the revocation feed (its timer). */
  feedReads: number;
  perMinute: number;
  /** whoami calls served meanwhile, and every other DynamoDB command (must be 0). */
  calls: number;
  otherCommands: number;
}

export async function runToolsScenarios(
  ctx: ToolsBenchContext,
): Promise<{ results: ScenarioResult[]; users: number; tokenCacheNote: string; feedCost?: FeedCost }> {
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
  const tools = (key: string, extraEnv: Record<string, string>, main = settings.toolsMain) => () =>
    spawnPinned({
      name: `mcp-tools (${key})`,
      cpu: settings.serverCpu,
      nodeArgs: [...settings.toolsNodeArgs, ...preload, ...profileArgs(key)],
      main,
      env: { ...toolsEnv, ...profileEnv, ...extraEnv },
      healthUrl,
    });

  const bareHttp = (name: string, key: string) => () =>
    spawnPinned({ name, cpu: settings.serverCpu, nodeArgs: profileArgs(key), main: join(settings.root, 'dist/bench/bare-http.js'), env: { PORT: String(port) }, healthUrl });

  const ours = (era: Era): ScenarioSpec[] => {
    const m = era === '2026-07-28' ? 'm' : '';
    const suffix = era === '2026-07-28' ? '-2026' : '';
    return [
      {
        id: `1${m}` as ScenarioId,
        era,
        key: `auth-replaced${suffix}` as ScenarioKey,
        title: `mcp-tools, authentication replaced (fixed principal), ${era} request`,
        server: 'mcp-tools build + bench preload overriding the ACCESS_TOKEN_VERIFIER provider',
        start: tools(`auth-replaced${suffix}`, { BENCH_OVERRIDE_AUTH: '1' }),
        startBuild: (main) => tools(`auth-replaced${suffix}-b`, { BENCH_OVERRIDE_AUTH: '1' }, main),
        tokens: [busy.token],
        expectSub: () => '00000000-0000-4000-8000-000000000001',
        notes: ['the request gate still runs (Origin, bearer parsing); only verify() returns a fixed principal'],
      },
      {
        id: `2${m}` as ScenarioId,
        era,
        key: `one-token${suffix}` as ScenarioKey,
        title: `mcp-tools, one valid token repeated (busy client), ${era} request`,
        server: 'mcp-tools build (default TOKEN_CACHE_MAX_ENTRIES=10000)',
        start: tools(`one-token${suffix}`, {}),
        startBuild: (main) => tools(`one-token${suffix}-b`, {}, main),
        tokens: [busy.token],
        expectSub: (t) => bySub.get(t),
        notes: ['first request verifies fully; later ones hit the verified-token cache (SHA-256 + map lookup)'],
      },
      {
        id: `3${m}` as ScenarioId,
        era,
        key: `token-per-request${suffix}` as ScenarioKey,
        title: `mcp-tools, a different valid token per request (${users.length} users), ${era} request`,
        server: 'mcp-tools build with TOKEN_CACHE_MAX_ENTRIES=0',
        start: tools(`token-per-request${suffix}`, { TOKEN_CACHE_MAX_ENTRIES: '0' }),
        startBuild: (main) => tools(`token-per-request${suffix}-b`, { TOKEN_CACHE_MAX_ENTRIES: '0' }, main),
        tokens: users.map((u) => u.token),
        expectSub: (t) => bySub.get(t),
        notes: [
          'every request does the full two-layer check: ES256 gateway JWT, A256GCM JWE decrypt, RS256 Cognito JWT, sub binding',
          'the verified-token cache is disabled (TOKEN_CACHE_MAX_ENTRIES=0, an existing setting) so no request is answered from it',
        ],
      },
    ];
  };
  const reference = (id: ScenarioId, key: ScenarioKey, era: Era, title: string, program: string, notes: string[]): ScenarioSpec => ({
    id,
    era,
    key,
    title,
    server: `dist/bench/${program}.js`,
    start: () =>
      spawnPinned({
        name: program,
        cpu: settings.serverCpu,
        nodeArgs: profileArgs(key),
        main: join(settings.root, `dist/bench/${program}.js`),
        env: { PORT: String(port), GATEWAY_ISSUER: factory.gatewayBase, GATEWAY_JWKS_URL: `${factory.gatewayBase}/.well-known/jwks.json`, MCP_RESOURCE: mcpUrl },
        healthUrl,
      }),
    tokens: [busy.token],
    expectSub: (t) => bySub.get(t),
    notes,
  });

  // A/B of two builds (BENCH_TOOLS_MAIN_B): the same scenarios on the second build, ids `1b` ... `3mb`. Listed in
  // BENCH_SCENARIOS next to their A (`2,2b,2m,2mb`) and run in several rounds, each pair runs back to back on the
  // same machine minute: the per-round ratio of server CPU per request is the comparison to read.
  const secondBuild = (spec: ScenarioSpec): ScenarioSpec[] => {
    const mainB = settings.toolsMainB;
    if (mainB === undefined || spec.startBuild === undefined) return [];
    const key = `${spec.key}-b` as ScenarioKey;
    return [{ ...spec, id: `${spec.id}b` as ScenarioId, key, title: `${spec.title} [B: ${mainB}]`, server: `${spec.server} [B: ${mainB}]`, start: spec.startBuild(mainB) }];
  };
  const own = [...ours('2025-11-25'), ...ours('2026-07-28')];
  const specs: ScenarioSpec[] = [
    ...own,
    ...own.flatMap(secondBuild),
    reference('4', 'sdk-reference', '2025-11-25', 'MCP SDK v1: Express + requireBearerAuth (jose jwtVerify), new server per request', 'sdk-reference', [
      'verifies only the gateway JWT (ES256) on every request, no Cognito layer, no cache; no request logging',
    ]),
    reference('4m', 'sdk-v2-reference', '2026-07-28', 'MCP SDK v2: createMcpHandler + requireBearerAuth (jose jwtVerify), new server per request', 'sdk-v2-reference', [
      "the v2 SDK's documented pattern on node:http (toNodeHandler); verifies only the gateway JWT (ES256), no Cognito layer, no cache; no request logging",
    ]),
    {
      id: '5',
      era: '2025-11-25',
      key: 'bare-node-http',
      title: 'bare node:http, fixed JSON-RPC answer',
      server: 'dist/bench/bare-http.js',
      start: bareHttp('bare-http', 'bare-node-http'),
      tokens: [busy.token],
      expectSub: () => undefined,
      notes: ['reads and parses the body, writes a fixed answer: the ceiling of this machine and load generator'],
    },
    {
      id: '6',
      era: '2025-11-25',
      key: 'latency-floor',
      title: "latency floor: bare node:http + fixed synchronous work per request, tuned to (2)'s throughput",
      server: 'dist/bench/bare-http.js with x-bench-work-us',
      start: bareHttp('bare-http (latency floor)', 'latency-floor'),
      tokens: [busy.token],
      expectSub: () => undefined,
      tunedToScenario: '2',
      notes: [
        "an ideal server at (2)'s throughput: the same connections, no framework, no awaits, no I/O - only busy CPU time per request, " +
          "tuned in short probes each round; its p99 is the lowest any server can show here at that throughput",
      ],
    },
  ];

  const only = process.env['BENCH_SCENARIOS']?.split(',').map((x) => x.trim());
  // BENCH_SCENARIOS picks scenarios and their order (e.g. `2,2m,1` to check for order effects).
  const chosen = only ? only.map((id) => specs.find((s) => s.id === id)).filter((s): s is ScenarioSpec => s !== undefined) : specs;
  // Rounds, interleaved (1 2 3 1m 2m 3m 4 4m 5 6, then again ...): a slow minute of a shared machine hits every scenario,
  // not just one, so the ratios within a run stay fair. Each round: fresh server, warm-up, measure.
  const rounds = Math.max(1, settings.rounds);
  const perRoundSeconds = Math.max(1, Math.round(settings.durationSeconds / rounds));
  type Collected = ScenarioResult & { roundLoads: LoadResult[]; roundWork: Array<number | undefined>; roundCpu: Array<{ used: number; requests: number; otherOnCore?: number; otherOnLoadCore?: number }> };
  const collected = new Map<ScenarioId, Collected>();
  for (let round = 1; round <= rounds; round++) {
    for (const spec of chosen) {
      const target = spec.tunedToScenario === undefined ? undefined : collected.get(spec.tunedToScenario)?.roundLoads[round - 1];
      if (spec.tunedToScenario !== undefined && target === undefined) {
        log(`scenario ${spec.id} (${spec.key}) skipped: it is tuned to scenario ${spec.tunedToScenario}, which must run before it`);
        continue;
      }
      if (await probe(healthUrl, 300)) throw new Error(`port ${port} is still answering before ${spec.key} starts`);
      log(`scenario ${spec.id} (${spec.key}), round ${round}/${rounds}: starting ${spec.server}`);
      const server = await spec.start();
      try {
        for (const token of spec.tokens.slice(0, 3)) await sanityCheck(mcpUrl, spec.era, token, spec.expectSub(token));
        const workMicroseconds = target === undefined ? undefined : await tuneWork(mcpUrl, settings.connections, target.requestsPerSecond, log);
        const extraHeaders: Record<string, string> = workMicroseconds === undefined ? {} : { 'x-bench-work-us': String(workMicroseconds) };
        dynamo.reset();
        const countedFrom = performance.now();
        const jwksBefore = factory.jwksHits();
        let cpuStart = 0;
        let cpuUsed = 0;
        let coreStart: number | undefined;
        let coreUsed: number | undefined;
        let loadCoreStart: number | undefined;
        let loadCoreUsed: number | undefined;
        let harnessStart = 0;
        let harnessUsed = 0;
        let measuredFrom = 0;
        let measuredMicroseconds = 0;
        const load = await measure(
          {
            url: mcpUrl,
            method: 'POST',
            headers: { ...WHOAMI_REQUEST[spec.era].headers, authorization: `Bearer ${busy.token}`, ...extraHeaders },
            body: WHOAMI_REQUEST[spec.era].body,
            connections: settings.connections,
            tokenPool: spec.tokens.length > 1 ? spec.tokens : undefined,
          },
          settings.warmupSeconds,
          perRoundSeconds,
          {
            before: () => {
              cpuStart = cpuMicroseconds(server.pid);
              coreStart = coreBusyMicroseconds(settings.serverCpu);
              loadCoreStart = coreBusyMicroseconds(settings.loadCpu);
              harnessStart = cpuMicroseconds(process.pid);
              measuredFrom = performance.now();
            },
            after: () => {
              cpuUsed = cpuMicroseconds(server.pid) - cpuStart;
              const coreNow = coreBusyMicroseconds(settings.serverCpu);
              coreUsed = coreNow === undefined || coreStart === undefined ? undefined : coreNow - coreStart;
              const loadCoreNow = coreBusyMicroseconds(settings.loadCpu);
              loadCoreUsed = loadCoreNow === undefined || loadCoreStart === undefined ? undefined : loadCoreNow - loadCoreStart;
              harnessUsed = cpuMicroseconds(process.pid) - harnessStart;
              measuredMicroseconds = (performance.now() - measuredFrom) * 1000;
            },
          },
        );
        // What other processes ran on the server's core, and on the load generator's (this process's), while it was
        // measured (10 ms tick resolution): a starved load generator sends fewer requests per server turn, which
        // also raises the server's CPU per request.
        const share = (used: number | undefined, own: number) => (used === undefined || measuredMicroseconds <= 0 ? undefined : Math.max(0, Math.round(((used - own) / measuredMicroseconds) * 1000) / 10));
        const otherOnCore = share(coreUsed, cpuUsed);
        const otherOnLoadCore = share(loadCoreUsed, harnessUsed);
        const contendedRound = (otherOnCore ?? 0) > CONTENDED_PERCENT || (otherOnLoadCore ?? 0) > CONTENDED_PERCENT;
        const previous = collected.get(spec.id);
        const dynamoCommands = { ...(previous?.dynamoCommands ?? {}) };
        for (const [op, count] of Object.entries(dynamo.snapshot())) dynamoCommands[op] = (dynamoCommands[op] ?? 0) + count;
        const revocationFeed = {
          reads: (previous?.revocationFeed.reads ?? 0) + dynamo.feedReads(),
          seconds: Math.round(((previous?.revocationFeed.seconds ?? 0) + (performance.now() - countedFrom) / 1000) * 10) / 10,
        };
        const roundLoads = [...(previous?.roundLoads ?? []), load];
        const roundWork = [...(previous?.roundWork ?? []), workMicroseconds];
        const roundCpu = [...(previous?.roundCpu ?? []), { used: cpuUsed, requests: load.totalRequests, otherOnCore, otherOnLoadCore }];
        collected.set(spec.id, {
          id: spec.id,
          era: spec.era,
          key: spec.key,
          title: spec.title,
          server: spec.server,
          load: combine(roundLoads),
          roundLoads,
          roundWork,
          roundCpu,
          cpuMicrosecondsPerRequest: perRequest(roundCpu),
          dynamoCommands,
          revocationFeed,
          jwksFetches: (previous?.jwksFetches ?? 0) + factory.jwksHits() - jwksBefore,
          rssAfterLoadMB: rssMB(server.pid),
          serverCpus: procStatus(server.pid, 'Cpus_allowed_list'),
          notes: spec.notes,
        });
        log(
          `  ${load.requestsPerSecond} req/s, server CPU ${perRequest([{ used: cpuUsed, requests: load.totalRequests }])} us/request, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, non-2xx ${load.non2xx}, errors ${load.errors}, ` +
            `DynamoDB ${dynamo.total()}, server CPUs ${procStatus(server.pid, 'Cpus_allowed_list')}` +
            (otherOnCore === undefined ? '' : `, other processes on its core ${otherOnCore} %, on the load generator's ${otherOnLoadCore ?? '?'} %${contendedRound ? ' (CONTENDED: this round is noise)' : ''}`),
        );
      } finally {
        await server.stop();
      }
    }
  }
  const results: ScenarioResult[] = chosen.filter((spec) => collected.has(spec.id)).map((spec) => {
    const { roundLoads, roundWork, roundCpu, ...result } = collected.get(spec.id) as Collected;
    return {
      ...result,
      rounds: roundLoads.map((l, i) => ({
        requestsPerSecond: l.requestsPerSecond,
        p50: l.latencyMs.p50,
        p99: l.latencyMs.p99,
        workMicroseconds: roundWork[i],
        cpuMicrosecondsPerRequest: perRequest(roundCpu.slice(i, i + 1)),
        otherProcessesOnCorePercent: roundCpu[i]?.otherOnCore,
        otherProcessesOnLoadCorePercent: roundCpu[i]?.otherOnLoadCore,
      })),
    };
  });
  // The revocation feed's cost: one instance with the default REVOCATION_POLL_MS, one call after another for
  // `feedSeconds`; its timer's Queries are counted apart from everything else (which must stay 0).
  let feedCost: FeedCost | undefined;
  if (settings.feedSeconds > 0) {
    log(`revocation feed cost: mcp-tools (default REVOCATION_POLL_MS) serving whoami for ${settings.feedSeconds} s...`);
    const server = await tools('feed-cost', {})();
    try {
      dynamo.reset();
      const started = performance.now();
      let calls = 0;
      const token = busy.token;
      while (performance.now() - started < settings.feedSeconds * 1000) {
        const res = await fetch(mcpUrl, { method: 'POST', headers: { ...WHOAMI_REQUEST['2025-11-25'].headers, authorization: `Bearer ${token}` }, body: WHOAMI_REQUEST['2025-11-25'].body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`feed-cost call answered ${res.status}`);
        calls++;
      }
      const seconds = (performance.now() - started) / 1000;
      const feedReads = dynamo.feedReads();
      feedCost = { seconds: Math.round(seconds * 10) / 10, feedReads, perMinute: Math.round((feedReads / seconds) * 60 * 10) / 10, calls, otherCommands: dynamo.total() };
      log(`  ${feedReads} feed Queries in ${feedCost.seconds} s = ${feedCost.perMinute}/min; ${calls} calls; other DynamoDB commands ${feedCost.otherCommands}`);
    } finally {
      await server.stop();
    }
  }
  return {
    results,
    users: users.length,
    tokenCacheNote: 'scenarios 3 and 3m run with TOKEN_CACHE_MAX_ENTRIES=0; 2 and 2m with the default cache',
    feedCost,
  };
}

/** CPU microseconds per completed request over the given measured phases (one decimal). */
function perRequest(phases: Array<{ used: number; requests: number }>): number {
  const requests = phases.reduce((a, p) => a + p.requests, 0);
  return requests > 0 ? Math.round((phases.reduce((a, p) => a + p.used, 0) / requests) * 10) / 10 : 0;
}

/**
 * Finds the synchronous work per request (microseconds) at which the latency-floor server answers `targetRps`:
 * 1 s probes, each new guess interpolated (secant) between the last two on time per request, which grows
 * monotonically - if not linearly - with the work.
 */
async function tuneWork(url: string, connections: number, targetRps: number, log: (line: string) => void): Promise<number> {
  const periodAt = async (work: number) => {
    const { headers, body } = WHOAMI_REQUEST['2025-11-25'];
    const load = await measure({ url, method: 'POST', headers: { ...headers, 'x-bench-work-us': String(work) }, body, connections }, 0, 1);
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
