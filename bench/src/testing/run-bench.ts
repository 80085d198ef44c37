import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { generateDevSecrets } from '@mcp-cognito/dev-stack';
import { startCountingDynamo } from './counting-dynamo';
import { topSelfTime } from './cpuprofile-top';
import { runGatewayBench, type GatewayStack } from './gateway-bench';
import { procStatus } from './processes';
import { checkTargets, writeReport, type BenchReport } from './report';
import { loadSettings } from './settings';
import { runStartup } from './startup';
import { TokenFactory } from './token-factory';
import { runToolsScenarios } from './tools-scenarios';

const log = (line: string) => process.stdout.write(`${line}\n`);
const round2 = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);

/**
 * `node dist/bench/main.js [--quick]`; `node dist/bench/main.js top <file.cpuprofile> [n]`;
 * `node dist/bench/main.js render <bench.json> [out dir]`.
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'top') {
    if (!argv[1]) throw new Error('usage: node dist/bench/main.js top <file.cpuprofile> [n]');
    log(topSelfTime(argv[1], Number(argv[2] ?? 25)));
    return 0;
  }
  if (argv[0] === 'render') {
    // Re-renders bench.md / bench.svg (and the target checks) from a bench.json.
    if (!argv[1]) throw new Error('usage: node dist/bench/main.js render <bench.json> [out dir]');
    const report = JSON.parse(readFileSync(argv[1], 'utf8')) as BenchReport;
    report.targets = checkTargets(report);
    const files = writeReport(argv[2] ?? dirname(argv[1]), report);
    log(`${files.md}\n${files.svg}`);
    return 0;
  }
  const settings = loadSettings(argv);
  const loadCpus = procStatus('self', 'Cpus_allowed_list');
  if (loadCpus !== settings.loadCpu) {
    log(`WARNING: the load generator runs on CPUs ${loadCpus}, not ${settings.loadCpu} alone (run it as \`taskset -c ${settings.loadCpu} node dist/bench/main.js\`, as \`npm run bench\` does)`);
  }
  const startedAt = new Date().toISOString();
  const loadAverageBefore = round2(loadavg());
  log(`bench: load average ${loadAverageBefore.join(' / ')}; server CPU ${settings.serverCpu}, load generator CPU(s) ${loadCpus}`);
  if ((loadAverageBefore[0] ?? 0) > 0.7) log('WARNING: the machine is busy (1-min load average > 0.7); numbers will be noisy');

  const secrets = await generateDevSecrets();
  const dynamo = await startCountingDynamo();
  const factory = await TokenFactory.start(secrets);
  const partial: Omit<BenchReport, 'targets' | 'finishedAt'> & { finishedAt?: string } = {
    startedAt,
    machine: { cpus: cpus().map((c) => c.model), node: process.version, loadAverageBefore, loadAverageAfter: [], loadGeneratorCpus: loadCpus },
    settings: {
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      rounds: settings.rounds,
      connections: settings.connections,
      users: settings.users,
      grants: settings.grants,
      upstreamRefreshes: settings.upstreamRefreshes,
      tokenConnections: settings.tokenConnections,
      coldStartRuns: settings.coldStartRuns,
      serverLogLevel: settings.logLevel,
      cpuProfile: settings.cpuProfile,
      toolsMain: settings.toolsMain,
      toolsNodeArgs: settings.toolsNodeArgs.join(' '),
    },
  };
  let stack: GatewayStack | undefined;
  try {
    if (settings.sections.has('tools')) {
      log('\n== tools/call whoami ==');
      const tools = await runToolsScenarios({ settings, secrets, dynamo, factory, log });
      partial.tools = { users: tools.users, scenarios: tools.results, feedCost: tools.feedCost, note: `${settings.connections} connections; ${settings.rounds} interleaved round(s) per scenario, each ${settings.warmupSeconds} s warm-up + ${Math.max(1, Math.round(settings.durationSeconds / Math.max(1, settings.rounds)))} s measured; ${tools.tokenCacheNote}` };
    }
    if (settings.sections.has('gateway') || settings.sections.has('startup')) {
      log('\n== gateway token endpoint ==');
      const gateway = await runGatewayBench({ settings, secrets, dynamo, log });
      partial.gateway = gateway.result;
      stack = gateway.stack;
    }
    if (settings.sections.has('startup') && stack) {
      log('\n== cold start and idle RSS ==');
      partial.startup = await runStartup(settings, stack, log);
    }
  } finally {
    await stack?.idp.stop();
    await factory.close();
    await dynamo.stop();
  }
  partial.finishedAt = new Date().toISOString();
  partial.machine.loadAverageAfter = round2(loadavg());
  const report: BenchReport = { ...(partial as Omit<BenchReport, 'targets'>), targets: [] };
  report.targets = checkTargets(report);
  const files = writeReport(settings.outDir, report);
  log('\n== targets ==');
  for (const t of report.targets) log(`${t.pass ? 'PASS' : 'MISS'}  ${t.id}: ${t.measured} (target ${t.target})`);
  log(`\nload average after: ${report.machine.loadAverageAfter.join(' / ')}`);
  log(`report: ${files.md}\n        ${files.json}\n        ${files.svg}`);
  return 0;
}
