import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** A server process pinned to one core with `taskset -c <cpu>`, so it never shares the load generator's core. */
export interface PinnedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** ms from spawn to the first 200 from the health URL. */
  startMs: number;
  /** Last lines of output (kept for error reports). */
  tail: string[];
  stop(): Promise<void>;
}

export interface SpawnPinnedOptions {
  name: string;
  cpu: string;
  /** node flags (`-r`, `--cpu-prof`...) */
  nodeArgs?: string[];
  main: string;
  env: Record<string, string>;
  healthUrl: string;
  timeoutMs?: number;
  /** Poll interval for the health URL (cold start resolution). */
  pollMs?: number;
}

/** GET `url` without keep-alive; resolves with the status, or 0 when nothing answers. */
export function probe(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Spawns `taskset -c <cpu> node <nodeArgs> <main>` (taskset execs node: the child pid IS node's pid)
 * with only PATH/HOME inherited plus `env`, and waits until `healthUrl` answers 200.
 */
export async function spawnPinned(options: SpawnPinnedOptions): Promise<PinnedProcess> {
  const tail: string[] = [];
  const t0 = performance.now();
  const child = spawn('taskset', ['-c', options.cpu, process.execPath, ...(options.nodeArgs ?? []), options.main], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    // stdout (request logs) goes to /dev/null: the server pays for writing its logs, the load generator
    // does not pay for reading them.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) tail.push(line);
    while (tail.length > 40) tail.shift();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${options.name} exited before it was healthy:\n${tail.join('\n')}`);
    if ((await probe(options.healthUrl, 500)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not healthy at ${options.healthUrl} in time:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 10));
  }
  const startMs = performance.now() - t0;
  return { name: options.name, child, pid: child.pid as number, startMs, tail, stop };
}

/** A field of /proc/<pid>/status (VmRSS in kB, Cpus_allowed_list...). */
export function procStatus(pid: number | 'self', field: string): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line?.slice(field.length + 1).trim();
  } catch {
    return undefined;
  }
}

/**
 * CPU time the process has used so far (user + system), in microseconds, from /proc/<pid>/stat (fields 14 and
 * 15, in clock ticks of 10 ms on Linux: USER_HZ is 100). Differences over a measured phase give CPU per request,
 * a number a busy machine disturbs far less than requests per second.
 */
export function cpuMicroseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Busy time of one core since boot (user, nice, system and steal ticks of its `/proc/stat` line, its ksoftirqd
 * thread's time taken out, in
 * microseconds), or undefined when `cpu` is not a single core. Taken around a measured phase together with the
 * server's own CPU time, the difference is what OTHER processes ran on the server's core meanwhile: on a shared
 * machine another job's build or tests landing there inflate the server's CPU per request (the server is
 * time-sliced: cold caches, fewer requests per event-loop turn) as much as its latency.
 */
export function coreBusyMicroseconds(cpu: string): number | undefined {
  if (!/^\d+$/.test(cpu)) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
  if (line === undefined) return undefined;
  // Interrupt time and the core's ksoftirqd thread are left out: on loopback they carry the benchmark's own traffic.
  const [, user, nice, system, , , , , steal] = line.trim().split(/\s+/).map(Number);
  return (user + nice + system + (steal ?? 0)) * 10_000 - softirqThreadMicroseconds(cpu);
}

const softirqThreads = new Map<string, number | undefined>();

/** CPU time of the core's `ksoftirqd/<cpu>` kernel thread (0 when there is none). */
function softirqThreadMicroseconds(cpu: string): number {
  if (!softirqThreads.has(cpu)) {
    const pid = readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && readProc(`/proc/${entry}/comm`)?.trim() === `ksoftirqd/${cpu}`);
    softirqThreads.set(cpu, pid === undefined ? undefined : Number(pid));
  }
  const pid = softirqThreads.get(cpu);
  return pid === undefined ? 0 : cpuMicroseconds(pid);
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resident set size in MB (10^6 bytes; VmRSS is in KiB). */
export function rssMB(pid: number): number {
  const kib = Number.parseInt(procStatus(pid, 'VmRSS') ?? '0', 10);
  return Math.round(((kib * 1024) / 1e6) * 10) / 10;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
