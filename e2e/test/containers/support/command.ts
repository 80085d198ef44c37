import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Kills the command (SIGKILL) after this long; never an unbounded wait. Default 120 s. */
  timeoutMs?: number;
  /** Resolve with the exit code instead of rejecting when the command fails. */
  allowFailure?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command without a shell (arguments are never interpreted) and returns its output. A failure
 * rejects with the command line, exit code and the tail of its output.
 */
export function run(command: string[], options: RunOptions = {}): Promise<CommandResult> {
  const [file, ...args] = command;
  if (!file) throw new Error('run: empty command');
  const timeout = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const result = { code, stdout: String(stdout), stderr: String(stderr) };
      if (!error || options.allowFailure) return resolve(result);
      const timedOut = error.killed && error.signal === 'SIGKILL' ? ` (killed after ${timeout} ms)` : '';
      reject(new Error(`\`${command.join(' ')}\` failed with ${code}${timedOut}:\n${tail(result.stderr || result.stdout)}`));
    });
  });
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
