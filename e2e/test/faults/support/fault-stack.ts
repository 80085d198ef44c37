import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  buildServiceEnvironments,
  findWorkspaceRoot,
  freePort,
  generateDevSecrets,
  startDynamoDbLocalJar,
  startLocalIdpProcess,
  startServiceProcess,
  type DevSecrets,
  type EmbeddedDynamoDb,
  type LocalIdpProcess,
  type ServiceProcess,
} from '@mcp-cognito/dev-stack';
import { createDynamoClients } from '@mcp-cognito/storage';

/** Output lines of every process of a fault stack (shown when a test fails; `E2E_LOG=1` prints them live). */
export type OutputLog = string[];

export function outputLog(): { lines: OutputLog; sink: (name: string, line: string) => void } {
  const lines: OutputLog = [];
  return {
    lines,
    sink: (name, line) => {
      lines.push(`${name} | ${line}`);
      if (lines.length > 2_000) lines.shift();
      if (process.env['E2E_LOG']) process.stderr.write(`${name} | ${line}\n`);
    },
  };
}

/**
 * The real DynamoDB Local engine as a process of its own that a test can kill, pause (SIGSTOP) and resume (SIGCONT),
 * with its data in a folder, so that a killed engine restarted on the same port and folder has its tables again.
 */
export class DynamoDbProcess {
  private constructor(
    private engine: EmbeddedDynamoDb,
    readonly port: number,
    private readonly dbPath: string | undefined,
  ) {}

  static async start(options: { persistent?: boolean } = {}): Promise<DynamoDbProcess> {
    const port = await freePort();
    const dbPath = options.persistent ? mkdtempSync(join(tmpdir(), 'faults-dynamodb-')) : undefined;
    return new DynamoDbProcess(await startDynamoDbLocalJar({ port, dbPath }), port, dbPath);
  }

  get endpoint(): string {
    return this.engine.endpoint;
  }

  get pid(): number {
    return this.engine.pid!;
  }

  /** SIGKILL: the engine is gone at once, connections reset, nothing flushed. */
  async kill(): Promise<void> {
    process.kill(this.pid, 'SIGKILL');
    await this.engine.stop();
  }

  /** The same engine again on the same port and data folder. */
  async restart(): Promise<void> {
    this.engine = await startDynamoDbLocalJar({ port: this.port, dbPath: this.dbPath });
  }

  /** SIGSTOP: the process keeps its port and connections, and answers nothing - a brownout or a hung host. */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** Item counts by key prefix (`CLIENT`, `CODE`, `GRANT`, ...): a test's view of "nothing half-written". */
  async countItems(tableName = 'mcp-cognito'): Promise<Record<string, number>> {
    const clients = createDynamoClients({ region: 'us-east-1', endpoint: this.endpoint, tableName });
    try {
      const counts: Record<string, number> = {};
      let start: Record<string, unknown> | undefined;
      do {
        const out = await clients.doc.send(new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk', ExclusiveStartKey: start, ConsistentRead: true }));
        for (const item of out.Items ?? []) {
          const kind = String(item['pk']).split('#')[0]!;
          counts[kind] = (counts[kind] ?? 0) + 1;
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return counts;
    } finally {
      clients.destroy();
    }
  }

  async stop(): Promise<void> {
    try {
      process.kill(this.pid, 'SIGCONT'); // a paused JVM cannot act on SIGTERM
    } catch {
      // already gone
    }
    await this.engine.stop();
    if (this.dbPath) rmSync(this.dbPath, { recursive: true, force: true });
  }
}

/** One service process on its own port (no proxy): its URL and its process. */
export interface RunningService {
  url: string;
  process: ServiceProcess;
}

export interface FaultStack {
  dynamo: DynamoDbProcess;
  idp: LocalIdpProcess;
  gateway: RunningService;
  tools: RunningService;
  /** The gateway's issuer (its own origin) and the MCP resource (`<tools>/mcp`). */
  issuer: string;
  mcp: string;
  secrets: DevSecrets;
  env: { idp: Record<string, string>; gateway: Record<string, string>; tools: Record<string, string> };
  output: OutputLog;
  /** Restarts local-idp on its port with the same keys (its in-memory sessions and tokens are gone). */
  restartIdp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every part of the local stack as its own process (DynamoDB Local from its jar, local-idp, the built gateway and
 * tools service), each on its own loopback port, so that any one of them can be killed or paused under the others.
 */
export async function startFaultStack(options: { persistentDynamoDb?: boolean; gateway?: Record<string, string>; tools?: Record<string, string>; idp?: Record<string, string> } = {}): Promise<FaultStack> {
  const root = findWorkspaceRoot();
  const log = outputLog();
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const dynamo = await DynamoDbProcess.start({ persistent: options.persistentDynamoDb });
    started.push(dynamo);
    const [idpPort, gatewayPort, toolsPort] = [await freePort(), await freePort(), await freePort()];
    const secrets = await generateDevSecrets();
    const issuer = `http://127.0.0.1:${gatewayPort}`;
    const toolsUrl = `http://127.0.0.1:${toolsPort}`;
    const env = buildServiceEnvironments({
      secrets,
      dynamoEndpoint: dynamo.endpoint,
      idpUrl: `http://127.0.0.1:${idpPort}`,
      gatewayUrl: issuer,
      toolsUrl,
      logLevel: process.env['E2E_LOG'] ? 'info' : 'warn',
    });
    const idpEnv = { ...env.idp, ...options.idp };
    const holder: { idp: LocalIdpProcess } = { idp: await startLocalIdpProcess({ port: idpPort, env: idpEnv, output: log.sink }) };
    started.push({ stop: () => holder.idp.stop() });
    const gatewayEnv = { ...env.gateway, PORT: String(gatewayPort), ...options.gateway };
    const toolsEnv = { ...env.tools, PORT: String(toolsPort), ...options.tools };
    const launch = (name: string, main: string, serviceEnv: Record<string, string>, url: string) =>
      startServiceProcess({ name, main: join(root, main), env: serviceEnv, healthUrl: `${url}/health`, timeoutMs: 60_000, output: log.sink, cwd: root }).then(
        (process) => ({ url, process }),
      );
    const [gateway, tools] = await Promise.all([
      launch('gateway', 'dist/apps/auth-gateway/main.js', gatewayEnv, issuer),
      launch('tools', 'dist/apps/mcp-tools/main.js', toolsEnv, toolsUrl),
    ]);
    started.push({ stop: () => gateway.process.stop() }, { stop: () => tools.process.stop() });
    return {
      dynamo,
      get idp() {
        return holder.idp;
      },
      gateway,
      tools,
      issuer,
      mcp: `${toolsUrl}/mcp`,
      secrets,
      env: { idp: idpEnv, gateway: gatewayEnv, tools: toolsEnv },
      output: log.lines,
      restartIdp: async () => {
        await holder.idp.stop().catch(() => undefined);
        holder.idp = await startLocalIdpProcess({ port: idpPort, env: idpEnv, output: log.sink });
      },
      stop: async () => {
        for (const s of started.reverse()) await s.stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw error;
  }
}

/** Waits until `check` resolves true, polling every 100 ms; returns the time it took. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A response's status, headers, body and how long it took. */
export interface TimedAnswer {
  label: string;
  status: number;
  headers: Headers;
  body: string;
  ms: number;
}

export async function timed(label: string, send: () => Promise<Response>): Promise<TimedAnswer> {
  const started = performance.now();
  const res = await send();
  const body = await res.text();
  return { label, status: res.status, headers: res.headers, body, ms: Math.round(performance.now() - started) };
}
