import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayBenchResult } from './gateway-bench';
import type { StartupResult } from './startup';
import { CONTENDED_PERCENT, type FeedCost, type ScenarioResult } from './tools-scenarios';

export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: string[]; node: string; loadAverageBefore: number[]; loadAverageAfter: number[]; loadGeneratorCpus?: string };
  settings: Record<string, unknown>;
  tools?: { users: number; scenarios: ScenarioResult[]; note: string; feedCost?: FeedCost };
  gateway?: GatewayBenchResult;
  startup?: StartupResult[];
  targets: TargetCheck[];
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);

export function checkTargets(report: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const out: TargetCheck[] = [];
  const s = new Map<string, ScenarioResult>((report.tools?.scenarios ?? []).map((r) => [r.id, r]));
  const rps = (id: string) => s.get(id)?.load.requestsPerSecond ?? 0;
  const cpu = (id: string) => s.get(id)?.cpuMicrosecondsPerRequest ?? 0;
  // Each throughput ratio also shows the inverse ratio of server CPU per request, the steadier view on a busy machine.
  const cpuNote = (a: string, b: string) => (cpu(a) > 0 && cpu(b) > 0 ? `; server CPU/request ${cpu(b)} / ${cpu(a)} us = ${ratio(cpu(b), cpu(a))}` : '');
  const atLeast = (a: string, b: string, min: number) => {
    if (!s.has(a) || !s.has(b)) return;
    const r = ratio(rps(a), rps(b));
    out.push({ id: `(${a})/(${b})`, target: `>= ${min}`, measured: `${r} (${rps(a)} / ${rps(b)} req/s${cpuNote(a, b)})`, pass: r >= min });
  };
  // Each protocol era on its own: a busy client's token costs almost nothing; a full check per request keeps a third.
  for (const m of ['', 'm']) {
    atLeast(`2${m}`, `1${m}`, 0.9);
    atLeast(`3${m}`, `1${m}`, 0.35);
  }
  // The eras against each other: the same call costs the same, whichever revision the client speaks.
  if (s.has('2') && s.has('2m')) {
    const r = ratio(rps('2m'), rps('2'));
    out.push({ id: '(2m) vs (2)', target: 'within 10 %', measured: `${r} (${rps('2m')} / ${rps('2')} req/s${cpuNote('2m', '2')})`, pass: Math.abs(r - 1) <= 0.1 });
  }
  // Against the SDKs' own patterns: the v1 reference (4) for the 2025 request, the v2 reference (4m) for both eras.
  atLeast('2', '4', 8);
  atLeast('2', '4m', 8);
  atLeast('2m', '4m', 8);
  if (s.has('2') && s.has('5')) {
    const r = ratio(rps('2'), rps('5'));
    const p99 = s.get('2')?.load.latencyMs.p99 ?? Infinity;
    out.push({ id: '(2)/(5)', target: '>= 0.15', measured: `${r} (${rps('2')} / ${rps('5')} req/s)`, pass: r >= 0.15 });
    const floor = s.get('6');
    const floorNote = floor ? ` (latency floor (6), an ideal server at ${rps('6')} req/s: p99 ${floor.load.latencyMs.p99} ms)` : '';
    out.push({ id: 'p99 of (2)', target: '<= 10 ms', measured: `${p99} ms at ${rps('2')} req/s${floorNote}`, pass: p99 <= 10 });
  }
  for (const id of ['2', '3', '2m', '3m']) {
    const r = s.get(id);
    if (!r) continue;
    const total = Object.values(r.dynamoCommands).reduce((a, b) => a + b, 0);
    out.push({
      id: `storage requests for auth, scenario (${id})`,
      target: '0 DynamoDB commands (revocation on)',
      measured: `${total} over ${r.load.totalRequests} measured calls (+ warm-up)`,
      pass: total === 0,
    });
  }
  const feed = report.tools?.feedCost;
  if (feed) {
    out.push({
      id: 'revocation feed cost (one mcp-tools instance, REVOCATION_POLL_MS 5 s)',
      target: '<= 13 Queries per instance per minute, 0 other DynamoDB commands for the calls meanwhile',
      measured: `${feed.feedReads} Queries in ${feed.seconds} s = ${feed.perMinute}/min while serving ${feed.calls} calls; other commands ${feed.otherCommands}`,
      pass: feed.perMinute <= 13 && feed.otherCommands === 0,
    });
  }
  const fresh = report.gateway?.phases.find((p) => p.key === 'refresh_token_cognito_fresh');
  if (fresh) {
    const iso = fresh.isolated;
    const dyn = Math.max(fresh.cost.dynamoTotalPerRequest, iso?.dynamoTotal ?? 0);
    const cognito = Math.max(fresh.cost.cognitoPerRequest, iso?.cognito ?? 0);
    out.push({
      id: 'refresh, Cognito token fresh',
      target: '0 Cognito, <= 2 DynamoDB',
      measured: `Cognito ${fresh.cost.cognitoPerRequest}/req; DynamoDB ${fresh.cost.dynamoTotalPerRequest}/req avg, isolated request: ${iso?.dynamoTotal} ${JSON.stringify(iso?.dynamo ?? {})}`,
      pass: cognito === 0 && dyn <= 2,
    });
  }
  for (const st of report.startup ?? []) {
    out.push({ id: `cold start ${st.service}`, target: '<= 1500 ms (median)', measured: `${st.coldStartMedianMs} ms (${st.coldStartMs.join(', ')})`, pass: st.coldStartMedianMs <= 1500 });
    out.push({ id: `idle RSS ${st.service}`, target: '<= 150 MB', measured: `${st.idleRssMedianMB} MB (${st.idleRssMB.join(', ')})`, pass: st.idleRssMedianMB <= 150 });
  }
  return out;
}

function markdown(report: BenchReport): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`# Benchmark report`, '');
  lines.push(`${report.startedAt} - ${report.finishedAt}; Node ${m.node}; ${m.cpus.length} x ${m.cpus[0] ?? '?'}`);
  lines.push(`Load average before: ${m.loadAverageBefore.join(' / ')}; after: ${m.loadAverageAfter.join(' / ')} (1/5/15 min).`);
  lines.push(`Settings: ${Object.entries(report.settings).map(([k, v]) => `${k}=${String(v)}`).join(', ')}.`, '');
  lines.push('## Targets', '', '| target | required | measured | |', '|---|---|---|---|');
  for (const t of report.targets) lines.push(`| ${t.id} | ${t.target} | ${t.measured} | ${t.pass ? 'PASS' : '**MISS**'} |`);
  if (report.tools) {
    lines.push('', `## tools/call whoami over Streamable HTTP (${report.tools.note})`, '');
    lines.push('| # | scenario | req/s | per round | server CPU us/req | p50 ms | p90 ms | p99 ms | non-2xx | errors | DynamoDB cmds | JWKS fetches | RSS after (MB) | server CPUs |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of report.tools.scenarios) {
      const dyn = Object.values(r.dynamoCommands).reduce((a, b) => a + b, 0);
      lines.push(
        `| ${r.id} | ${r.title} | ${r.load.requestsPerSecond} | ${(r.rounds ?? []).map((x) => `${x.workMicroseconds === undefined ? `${x.requestsPerSecond}` : `${x.requestsPerSecond} (${x.workMicroseconds} us work)`}${contended(x) ? ` (contended: ${x.otherProcessesOnCorePercent} % / ${x.otherProcessesOnLoadCorePercent ?? '?'} %)` : ''}`).join(', ')} | ${r.cpuMicrosecondsPerRequest} | ${r.load.latencyMs.p50} | ${r.load.latencyMs.p90} | ${r.load.latencyMs.p99} | ${r.load.non2xx} | ${r.load.errors + r.load.timeouts} | ${dyn} | ${r.jwksFetches} | ${r.rssAfterLoadMB} | ${r.serverCpus ?? '?'} |`,
      );
    }
    lines.push('', 'req/s = all completed requests / all measured seconds over the rounds; server CPU = the server process\'s user + system time over the measured seconds / the requests it completed in them; p50/p90 = average of the rounds; p99 = the worst round.');
    lines.push(`"contended: a % / b %": other processes used more than ${CONTENDED_PERCENT} % of the server's core (a) or of the load generator's (b) during that round (/proc/stat): that round's numbers are the other job's noise.`, '');
    for (const r of report.tools.scenarios) lines.push(`- (${r.id}) ${r.server}: ${r.notes.join('; ')}.`);
    lines.push(...abComparison(report.tools.scenarios));
  }
  if (report.gateway) {
    const g = report.gateway;
    lines.push('', '## Gateway token endpoint (dynalite behind a counting proxy, local-idp as Cognito)', '');
    lines.push(
      `Setup: ${g.setup.flows} real authorizations in ${g.setup.seconds} s (${g.setup.note}); per authorization: DynamoDB ${g.setup.perFlow.dynamoTotalPerRequest} ${JSON.stringify(g.setup.perFlow.dynamoPerRequest)}, Cognito ${g.setup.perFlow.cognitoPerRequest}.`,
      '',
    );
    lines.push('| grant | requests | req/s | p50 ms | p99 ms | DynamoDB / request | Cognito / request | isolated request (warm) |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const p of g.phases) {
      const iso = p.isolated ? `DynamoDB ${p.isolated.dynamoTotal} ${JSON.stringify(p.isolated.dynamo)}, Cognito ${p.isolated.cognito}` : '-';
      lines.push(
        `| ${p.title} | ${p.requests} | ${p.load.requestsPerSecond} | ${p.load.latencyMs.p50} | ${p.load.latencyMs.p99} | ${p.cost.dynamoTotalPerRequest} ${JSON.stringify(p.cost.dynamoPerRequest)} | ${p.cost.cognitoPerRequest} | ${iso} |`,
      );
    }
    lines.push('');
    for (const p of g.phases) lines.push(`- ${p.key}: ${p.method}.`);
    lines.push(`- gateway RSS after the token phases: ${g.rssAfterLoadMB} MB; server CPUs ${g.serverCpus ?? '?'}.`);
  }
  if (report.startup) {
    lines.push('', '## Cold start and idle memory', '', '| service | runs | cold start ms (median) | all runs | idle RSS MB (median) | requests before RSS |', '|---|---|---|---|---|---|');
    for (const s of report.startup) {
      lines.push(`| ${s.service} | ${s.runs} | ${s.coldStartMedianMs} | ${s.coldStartMs.join(', ')} | ${s.idleRssMedianMB} | ${s.requestsBeforeRss} |`);
    }
  }
  lines.push('', 'Chart: `bench.svg`. Raw numbers: `bench.json`.', '');
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Horizontal bars, requests/s on a log scale (the bare node:http ceiling is an order of magnitude above
 * the rest), one per scenario: tools scenarios, then the token endpoint phases.
 */
function svg(report: BenchReport): string {
  const bars: Array<{ label: string; value: number; color: string }> = [];
  for (const r of report.tools?.scenarios ?? []) bars.push({ label: `(${r.id}) ${r.title}`, value: r.load.requestsPerSecond, color: /^[123]m?$/.test(r.id) ? '#2b6cb0' : '#718096' });
  for (const p of report.gateway?.phases ?? []) bars.push({ label: `token: ${p.key}`, value: p.load.requestsPerSecond, color: '#2f855a' });
  const maxDecade = Math.max(3, Math.ceil(Math.log10(Math.max(10, ...bars.map((b) => b.value)))));
  const labelW = 540;
  const barW = 400;
  const rowH = 30;
  const top = 64;
  const width = labelW + barW + 90;
  const height = top + bars.length * rowH + 40;
  const x = (v: number) => labelW + Math.round((Math.log10(Math.max(1, v)) / maxDecade) * barW);
  const grid: string[] = [];
  for (let d = 0; d <= maxDecade; d++) {
    const gx = x(10 ** d);
    grid.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + bars.length * rowH}" stroke="#ddd"/>`);
    grid.push(`<text x="${gx}" y="${top + bars.length * rowH + 16}" text-anchor="middle" fill="#555">${(10 ** d).toLocaleString('en-US')}</text>`);
  }
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const w = Math.max(1, x(b.value) - labelW);
      return [
        `<text x="${labelW - 10}" y="${y + 19}" text-anchor="end">${esc(b.label)}</text>`,
        `<rect x="${labelW}" y="${y + 5}" width="${w}" height="${rowH - 10}" fill="${b.color}"/>`,
        `<text x="${labelW + w + 6}" y="${y + 19}">${b.value.toLocaleString('en-US')}</text>`,
      ].join('');
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">
  <rect width="100%" height="100%" fill="#fff"/>
  <text x="10" y="22" font-size="16" font-weight="bold">Requests per second, log scale (server pinned to one core, load generator on the other)</text>
  <text x="10" y="42" fill="#555">${esc(`${report.startedAt}; load average before ${report.machine.loadAverageBefore.join('/')}; blue: mcp-tools, grey: references, green: gateway /token`)}</text>
  ${grid.join('\n  ')}
  ${rows}
</svg>
`;
}

export function writeReport(outDir: string, report: BenchReport): { json: string; md: string; svg: string } {
  mkdirSync(outDir, { recursive: true });
  const files = { json: join(outDir, 'bench.json'), md: join(outDir, 'bench.md'), svg: join(outDir, 'bench.svg') };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.md, markdown(report));
  writeFileSync(files.svg, svg(report));
  return files;
}

/**
 * `BENCH_TOOLS_MAIN_B`: each `b` scenario against its A, round by round (the pair ran back to back): B's server CPU
 * per request / A's, every round's ratio and their median (below 1: B costs less).
 */
type Round = { cpuMicrosecondsPerRequest?: number; otherProcessesOnCorePercent?: number; otherProcessesOnLoadCorePercent?: number };

function contended(round: Round | undefined): boolean {
  return (round?.otherProcessesOnCorePercent ?? 0) > CONTENDED_PERCENT || (round?.otherProcessesOnLoadCorePercent ?? 0) > CONTENDED_PERCENT;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}

/**
 * `BENCH_TOOLS_MAIN_B`: each `b` scenario against its A, round by round (the pair ran back to back): B's server CPU
 * per request / A's, every round's ratio (`*`: either side contended) and the median of the uncontended ones (below
 * 1: B costs less).
 */
function abComparison(scenarios: ReadonlyArray<{ id: string; cpuMicrosecondsPerRequest: number; rounds?: Round[] }>): string[] {
  const pairs = scenarios.filter((b) => b.id.endsWith('b')).map((b) => [scenarios.find((a) => a.id === b.id.slice(0, -1)), b] as const);
  const lines: string[] = [];
  for (const [a, b] of pairs) {
    if (a === undefined) continue;
    const rounds = (b.rounds ?? []).map((r, i) => ({ ratio: (r.cpuMicrosecondsPerRequest ?? NaN) / (a.rounds?.[i]?.cpuMicrosecondsPerRequest ?? NaN), noisy: contended(r) || contended(a.rounds?.[i]) }));
    const clean = rounds.filter((r) => !r.noisy && Number.isFinite(r.ratio)).map((r) => r.ratio);
    const cleanCpu = (x: { rounds?: Round[] }) => medianOf((x.rounds ?? []).filter((r, i) => !rounds[i]?.noisy).map((r) => r.cpuMicrosecondsPerRequest ?? NaN));
    lines.push(
      `| ${a.id} vs ${b.id} | ${cleanCpu(a).toFixed(1)} | ${cleanCpu(b).toFixed(1)} | ${rounds.map((r) => `${r.ratio.toFixed(3)}${r.noisy ? '*' : ''}`).join(', ')} | ${medianOf(clean).toFixed(3)} (${clean.length} rounds) |`,
    );
  }
  if (lines.length === 0) return [];
  return [
    '',
    '## A/B (BENCH_TOOLS_MAIN_B): server CPU per request, B / A round by round',
    '',
    '| pair | A us/req (median, uncontended rounds) | B us/req (same) | B / A per round (* contended) | median of uncontended rounds |',
    '|---|---|---|---|---|',
    ...lines,
  ];
}
