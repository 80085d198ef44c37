import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { findWorkspaceRoot } from '../local-stack/workspace-root';
import { freePort } from './free-port';
import { loopbackShim } from './loopback-shim';
import type { EmbeddedDynamoDb } from './types';
import { waitUntilDynamoDbAnswers } from './wait-until-ready';

export const PROVISION_SCRIPT = 'tools/scripts/provision-dynamodb-local.sh';

export interface StartDynamoDbLocalJarOptions {
  port?: number;
  /** Folder holding DynamoDBLocal.jar + DynamoDBLocal_lib/. Default: env DYNAMODB_LOCAL_DIR, else <repo>/.cache/dynamodb-local. */
  dir?: string;
  /** Milliseconds to wait for ListTables to answer (start takes ~3 s; a JVM on a 2-core machine under load took over 30 s). @default 60000 */
  readyTimeoutMs?: number;
  /**
   * Keep the data in this folder (`-dbPath`) instead of in memory, so that a killed engine restarted on the same
   * folder and port finds its tables again (fault tests). Default: in memory.
   */
  dbPath?: string;
}

/** The folder the provision script fills: env `DYNAMODB_LOCAL_DIR`, else `<workspace root>/.cache/dynamodb-local`. */
export function dynamoDbLocalDir(): string {
  const fromEnv = process.env['DYNAMODB_LOCAL_DIR'];
  if (fromEnv) return resolve(fromEnv);
  try {
    return join(findWorkspaceRoot(), '.cache', 'dynamodb-local');
  } catch {
    throw new Error('cannot find the workspace root (nx.json); set DYNAMODB_LOCAL_DIR');
  }
}

/**
 * Starts the real DynamoDB Local engine from its jar with Java, in memory (or in `dbPath`), bound to 127.0.0.1.
 * Needs the jar provisioned by `tools/scripts/provision-dynamodb-local.sh` (no Docker, no AWS).
 */
export async function startDynamoDbLocalJar(options: StartDynamoDbLocalJarOptions = {}): Promise<EmbeddedDynamoDb> {
  const dir = options.dir ?? dynamoDbLocalDir();
  const jar = join(dir, 'DynamoDBLocal.jar');
  if (!existsSync(jar)) {
    throw new Error(`DynamoDB Local jar not found at ${jar}. Run \`bash ${PROVISION_SCRIPT}\` first (npm-packs it, no Docker needed).`);
  }
  const port = options.port ?? (await freePort());
  const shim = loopbackShim(dir);
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-cp', [jar, ...shim.classPath].join(delimiter), shim.main];
  // -sharedDb: one database whatever access key/region a client signs with (services may differ).
  args.push(...(options.dbPath ? ['-dbPath', resolve(options.dbPath)] : ['-inMemory']), '-sharedDb', '-port', String(port), '-disableTelemetry');

  const child = spawn('java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited: Error | undefined;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = new Error(`DynamoDB Local exited (code ${code}, signal ${signal}) before it was ready:\n${output}`);
      resolveExit();
    });
    child.once('error', (err) => {
      exited = new Error(`cannot start java for DynamoDB Local: ${err.message}`);
      resolveExit();
    });
  });
  // A crashed test runner must not leave a JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exitPromise;
    clearTimeout(timer);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilDynamoDbAnswers(endpoint, { timeoutMs: options.readyTimeoutMs ?? 60_000, failed: () => exited });
  } catch (err) {
    await stop();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return { endpoint, engine: 'dynamodb-local', runtime: 'jar', pid: child.pid, stop: () => (stopped ??= stop()) };
}
