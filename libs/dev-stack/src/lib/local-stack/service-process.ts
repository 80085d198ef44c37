import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceProcessOptions {
  /** Short name used to prefix output lines (`gateway`, `tools`, ...). */
  name: string;
  /** The built entry point, e.g. `dist/apps/auth-gateway/main.js`. */
  main: string;
  env: Record<string, string>;
  /** Polled until it answers 200. */
  healthUrl: string;
  timeoutMs?: number;
  /** Receives every output line of the child; default: discarded (kept for error reports). */
  output?: (name: string, line: string) => void;
  cwd?: string;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns a built service with its own environment (nothing inherited but PATH/HOME, so a developer's
 * shell cannot change what a test sees) and waits until its health endpoint answers 200.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const tail: string[] = [];
  const child = spawn(process.execPath, [options.main], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.output?.(options.name, line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitCode: number | null = null;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? 128 : 0)));

  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== null) {
      throw new Error(`${options.name} exited with code ${exitCode} before it was healthy:\n${tail.join('\n')}`);
    }
    try {
      const res = await fetch(options.healthUrl, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) return { name: options.name, child, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`${options.name} was not healthy at ${options.healthUrl} in time:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
