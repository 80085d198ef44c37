import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './dynamodb/free-port';
import { findWorkspaceRoot } from './local-stack/workspace-root';

/**
 * Launch the built local-idp (`dist/apps/local-idp/main.js`) as a child process, for tests and the local
 * stack. Node built-ins only, no framework: oidc-provider is ESM-only, so test runners load it through this
 * process boundary instead of importing it.
 */
export interface LocalIdpProcessOptions {
  /** Port on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  /**
   * Port of the issuer origin (discovery, JWKS), which is apart from the hosted domain as in Cognito; default: the
   * port of `LOCAL_IDP_ISSUER_BASE_URL` in `env`, else a free one. Unused with `LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=false`.
   */
  issuerPort?: number;
  /** The child's environment (LOCAL_IDP_*, COGNITO_*). Only PATH and HOME are inherited, so a developer's
   * shell cannot change what a test sees. */
  env?: Record<string, string>;
  /** Path to the built main.js; default `<workspace>/dist/apps/local-idp/main.js`. */
  distMain?: string;
  /** How long to wait for the discovery document (default 60 s: a loaded 2-core machine took over 20 s). */
  startTimeoutMs?: number;
  /** Receives every output line of the child (stdout and stderr) with the name `local-idp`; default: kept
   * only for the error report. Same shape as the other service launchers of the local stack. */
  output?: (name: string, line: string) => void;
}

export interface LocalIdpProcess {
  /** Hosted-UI domain root: /oauth2/*, /login, /logout. */
  baseUrl: string;
  /** The issuer's origin: its own (Cognito's layout), or `baseUrl` with LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=false. */
  issuerBaseUrl: string;
  /** `<issuerBaseUrl>/<userPoolId>`: tokens' `iss`; discovery and JWKS below it. */
  issuer: string;
  userPoolId: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const TAIL_LINES = 40;

export async function startLocalIdpProcess(
  opts: LocalIdpProcessOptions = {},
): Promise<LocalIdpProcess> {
  const distMain =
    opts.distMain ??
    join(
      findWorkspaceRoot(__dirname, process.cwd()),
      'dist/apps/local-idp/main.js',
    );
  if (!existsSync(distMain)) {
    throw new Error(
      `local-idp is not built: ${distMain} is missing. Run \`npx nx build local-idp\` first.`,
    );
  }

  const port = opts.port ?? (await freePort());
  const separate = !/^(false|0|no)$/i.test(
    opts.env?.['LOCAL_IDP_SEPARATE_ISSUER_ORIGIN'] ?? 'true',
  );
  const configuredIssuerBase = opts.env?.['LOCAL_IDP_ISSUER_BASE_URL'];
  const issuerPort = separate
    ? (opts.issuerPort ??
      (configuredIssuerBase && new URL(configuredIssuerBase).port
        ? Number(new URL(configuredIssuerBase).port)
        : await freePort()))
    : port;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    ...opts.env,
    // Loopback only, and the ports this launcher polls.
    LOCAL_IDP_HOST: '127.0.0.1',
    LOCAL_IDP_PORT: String(port),
    ...(separate ? { LOCAL_IDP_ISSUER_PORT: String(issuerPort) } : {}),
  };
  const userPoolId = env['COGNITO_USER_POOL_ID'] || 'local_devpool';
  const baseUrl = (
    env['LOCAL_IDP_BASE_URL'] || `http://127.0.0.1:${port}`
  ).replace(/\/+$/, '');
  const issuerBaseUrl = separate
    ? (configuredIssuerBase || `http://127.0.0.1:${issuerPort}`).replace(
        /\/+$/,
        '',
      )
    : baseUrl;
  const issuer = `${issuerBaseUrl}/${userPoolId}`;

  const child = spawn(process.execPath, [distMain], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const collect = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(`[${stream}] ${line}`);
        if (tail.length > TAIL_LINES) tail.shift();
        opts.output?.('local-idp', line);
      }
    };
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));

  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code, signal) =>
      resolveExit(code ?? (signal ? -1 : null)),
    );
    child.once('error', () => resolveExit(-1));
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  // Never leave an orphaned local-idp behind when the parent (a test runner) exits without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (hasExited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const failure = (reason: string) =>
    new Error(
      `local-idp did not start: ${reason}\n--- last output of ${distMain} ---\n${tail.join('\n')}`,
    );

  // Poll over 127.0.0.1 (where the child binds) even when the public base URL names another host.
  const discovery = `http://127.0.0.1:${issuerPort}/${userPoolId}/.well-known/openid-configuration`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) {
      throw failure(`the process exited with code ${await exited}`);
    }
    try {
      const res = await fetch(discovery, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        const doc = (await res.json()) as { issuer?: string };
        if (doc.issuer !== issuer) {
          await stop();
          throw failure(
            `discovery at ${discovery} names issuer ${doc.issuer}, expected ${issuer}`,
          );
        }
        break;
      }
      await res.body?.cancel();
    } catch (err) {
      if ((err as Error).message.startsWith('local-idp did not start'))
        throw err;
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw failure(
        `no answer from ${discovery} within ${opts.startTimeoutMs ?? 60_000} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return { baseUrl, issuerBaseUrl, issuer, userPoolId, pid: child.pid, stop };
}
