import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * Top self-time functions of a V8 .cpuprofile (`node --cpu-prof`), and the same grouped by package
 * (node_modules/<pkg>, node: internals, the app bundle).
 */
export function topSelfTime(file: string, limit = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
    const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    const pkg = url.includes('node_modules/')
      ? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? 'node_modules')
      : url.startsWith('node:')
        ? 'node: internals'
        : url === ''
          ? `(${functionName || 'native'})`
          : url.replace(/^.*\/dist\//, 'dist/');
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + ms);
  }
  const fmt = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([k, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return `${file}: ${total.toFixed(0)} ms sampled\n\nself time by function:\n${fmt(byFn)}\n\nself time by package:\n${fmt(byPkg)}\n`;
}
