import { join } from 'node:path';
import { findWorkspaceRoot } from '@mcp-cognito/dev-stack';

/** Everything a run can be tuned with (env), with the defaults of `npm run bench`. */
export interface BenchSettings {
  root: string;
  outDir: string;
  serverCpu: string;
  loadCpu: string;
  warmupSeconds: number;
  durationSeconds: number;
  /** Interleaved rounds per tools scenario; the measured duration is split between them. */
  rounds: number;
  connections: number;
  users: number;
  grants: number;
  upstreamRefreshes: number;
  tokenConnections: number;
  coldStartRuns: number;
  logLevel: string;
  cpuProfile: boolean;
  /** The mcp-tools build under test (A/B against a candidate build); default dist/apps/mcp-tools/main.js. */
  toolsMain: string;
  /** `BENCH_TOOLS_MAIN_B`: a second mcp-tools build; scenarios 1-3 and 1m-3m then also run on it as `1b` ... `3mb`. */
  toolsMainB?: string;
  /** Extra node flags for the mcp-tools processes of scenarios 1-3 (e.g. GC tuning experiments). */
  toolsNodeArgs: string[];
  sections: Set<string>;
  quick: boolean;
  /** How long the revocation feed's cost is counted on one running mcp-tools instance. */
  feedSeconds: number;
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
};

export function loadSettings(argv: string[]): BenchSettings {
  const quick = argv.some((a) => a === '--quick' || a === '--quick=true') || process.env['BENCH_QUICK'] === '1';
  const root = findWorkspaceRoot();
  return {
    root,
    outDir: join(root, process.env['BENCH_OUT_DIR'] ?? 'bench-results'),
    serverCpu: process.env['BENCH_SERVER_CPU'] ?? '0',
    loadCpu: process.env['BENCH_LOAD_CPU'] ?? '1',
    warmupSeconds: int('BENCH_WARMUP', quick ? 1 : 2),
    durationSeconds: int('BENCH_DURATION', quick ? 3 : 15),
    rounds: int('BENCH_ROUNDS', quick ? 1 : 3),
    connections: int('BENCH_CONNECTIONS', 32),
    users: int('BENCH_USERS', quick ? 1000 : 2000),
    grants: int('BENCH_GRANTS', quick ? 40 : 300),
    upstreamRefreshes: int('BENCH_UPSTREAM_REFRESHES', quick ? 20 : 50),
    tokenConnections: int('BENCH_TOKEN_CONNECTIONS', 8),
    coldStartRuns: int('BENCH_COLD_RUNS', quick ? 2 : 5),
    feedSeconds: int('BENCH_FEED_SECONDS', quick ? 15 : 60),
    logLevel: process.env['BENCH_LOG_LEVEL'] ?? 'info',
    cpuProfile: process.env['BENCH_CPU_PROF'] === '1',
    toolsMain: process.env['BENCH_TOOLS_MAIN'] ?? join(root, 'dist/apps/mcp-tools/main.js'),
    toolsMainB: process.env['BENCH_TOOLS_MAIN_B'] || undefined,
    toolsNodeArgs: (process.env['BENCH_TOOLS_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''),
    sections: new Set((process.env['BENCH_ONLY'] ?? 'tools,gateway,startup').split(',').map((s) => s.trim())),
    quick,
  };
}
