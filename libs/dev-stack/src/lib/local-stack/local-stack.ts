import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMcpServerManifests, type McpServerManifest } from '@mcp-cognito/contracts';
import { buildRoutes } from '@mcp-cognito/routing';
import { startEmbeddedDynamoDb } from '../dynamodb/embedded-dynamodb';
import { freePort } from '../dynamodb/free-port';
import { startLocalIdpProcess } from '../local-idp-process';
import { startSingleOriginProxy, type SingleOriginProxy } from '../proxy/single-origin-proxy';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';
import { startServiceProcess, type ServiceProcess } from './service-process';
import { buildServiceEnvironments, LOCAL_USER_POOL_ID } from './service-environments';
import { findWorkspaceRoot } from './workspace-root';

/** Ports of the local stack; `0` picks a free port (tests), the defaults suit a developer. */
export interface LocalStackPorts {
  dynamodb: number;
  /** local-idp's hosted-UI domain (the Cognito domain). */
  idp: number;
  /** local-idp's issuer origin (discovery, JWKS), apart from the domain as in Cognito. */
  idpIssuer: number;
  gateway: number;
  tools: number;
  /** The single-origin proxy (only in `singleOrigin` mode). */
  proxy: number;
}

export const DEFAULT_LOCAL_PORTS: LocalStackPorts = { dynamodb: 8000, idp: 9000, idpIssuer: 9001, gateway: 3000, tools: 3001, proxy: 8080 };

/** How often the proxy asks each instance whether it is draining. */
const PROXY_HEALTH_INTERVAL_MS = 250;
/**
 * How long a stopping instance behind the proxy keeps serving while `/health` says draining: a few polls, so the
 * proxy has moved its traffic away before the listener closes (what ECS deregistration does before SIGTERM).
 */
export const LOCAL_SHUTDOWN_ANNOUNCE_MS = 4 * PROXY_HEALTH_INTERVAL_MS;

export interface LocalStackOptions {
  ports?: Partial<LocalStackPorts>;
  dynamodbEngine?: 'dynalite' | 'dynamodb-local';
  /** Defaults to the persisted set in `<root>/.local/` (created on first use). */
  secrets?: DevSecrets;
  /** Extra variables per service, e.g. short token lifetimes in tests (`servers`: the other MCP servers, by name). */
  env?: { idp?: Record<string, string>; gateway?: Record<string, string>; tools?: Record<string, string>; servers?: Record<string, Record<string, string>> };
  /**
   * Which MCP servers run: by default every `apps/<name>/mcp-server.json` of the workspace (libs/contracts
   * `readMcpServerManifests`), each its own process; the one at `/mcp` (mcp-tools) always runs.
   */
  mcpServers?: readonly string[];
  logLevel?: string;
  logFormat?: 'json' | 'pretty';
  output?: (service: string, line: string) => void;
  /**
   * One origin for the issuer and the MCP resource, as behind CloudFront (docs/architecture.md#topology): a local
   * reverse proxy on `ports.proxy` routes by the shared path table; `GATEWAY_ISSUER` is the proxy's
   * origin, `MCP_RESOURCE` is `<proxy>/mcp`, local-idp's redirect URI is `<proxy>/callback`.
   * Default `false`: the gateway and the tools service on their own ports (their own origins).
   */
  singleOrigin?: boolean;
  /**
   * Instances per service behind the proxy (round-robin; needs `singleOrigin`). The first instance
   * uses `ports.gateway` / `ports.tools`, further ones free ports. Default 1 each.
   */
  instances?: { gateway?: number; tools?: number };
}

/** An MCP server of the stack other than mcp-tools (which keeps `tools` in {@link LocalStack}). */
export interface LocalMcpServer {
  manifest: McpServerManifest;
  /** What clients use: `<public origin><path>`, e.g. `http://127.0.0.1:8080/clock/mcp`. */
  mcp: string;
  /** Its own origin (bypassing the proxy), e.g. for `/health`. */
  url: string;
  env: Record<string, string>;
  instance: LocalServiceInstance;
}

/** One running instance of a service. */
export interface LocalServiceInstance {
  /** Its direct URL (bypassing the proxy), e.g. for `/health`. */
  url: string;
  process: ServiceProcess;
  /** Stops this instance only (the rest of the stack keeps running). */
  stop(): Promise<void>;
}

export interface LocalStack {
  /**
   * `gateway` / `tools`: the first instance's own URL. `issuer` / `mcp`: what clients use - the same
   * as those in separate-origin mode, the proxy's origin (+ `/mcp`) in single-origin mode (`proxy`).
   */
  /** `idp`: the Cognito domain; `cognitoIssuer`: the pool issuer on its own origin (`<idpIssuer origin>/<pool>`). */
  urls: { dynamodb: string; idp: string; cognitoIssuer: string; gateway: string; issuer: string; tools: string; mcp: string; proxy?: string };
  /** The exact environment each service was started with (the same variables docker-compose and AWS use). */
  env: { idp: Record<string, string>; gateway: Record<string, string>; tools: Record<string, string> };
  secrets: DevSecrets;
  instances: { gateway: LocalServiceInstance[]; tools: LocalServiceInstance[] };
  /** Every MCP server besides mcp-tools, each its own process on a free port (by name order). */
  servers: LocalMcpServer[];
  /** The single-origin proxy (hit counters per instance), in `singleOrigin` mode. */
  proxy?: SingleOriginProxy;
  stop(): Promise<void>;
}


async function port(wanted: number | undefined, fallback: number): Promise<number> {
  const p = wanted ?? fallback;
  return p === 0 ? freePort() : p;
}

/**
 * Brings up the whole stack on loopback: embedded DynamoDB, local-idp, auth-gateway, mcp-tools and every other MCP
 * server of the workspace. Services run from their built output (`dist/apps/*`), each as its own process.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const root = findWorkspaceRoot();
  const secrets = options.secrets ?? (await loadOrCreateDevSecrets(join(root, '.local'))).secrets;
  const ports: LocalStackPorts = {
    dynamodb: await port(options.ports?.dynamodb, DEFAULT_LOCAL_PORTS.dynamodb),
    idp: await port(options.ports?.idp, DEFAULT_LOCAL_PORTS.idp),
    // Free ports for the domain mean a free port for the issuer origin too (tests, several stacks at once).
    idpIssuer: await port(options.ports?.idpIssuer, options.ports?.idp === 0 ? 0 : DEFAULT_LOCAL_PORTS.idpIssuer),
    gateway: await port(options.ports?.gateway, DEFAULT_LOCAL_PORTS.gateway),
    tools: await port(options.ports?.tools, DEFAULT_LOCAL_PORTS.tools),
    proxy: options.singleOrigin ? await port(options.ports?.proxy, DEFAULT_LOCAL_PORTS.proxy) : 0,
  };
  const count = { gateway: options.instances?.gateway ?? 1, tools: options.instances?.tools ?? 1 };
  for (const [name, n] of Object.entries(count)) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`instances.${name} must be a whole number >= 1, got ${n}`);
  }
  if (!options.singleOrigin && (count.gateway > 1 || count.tools > 1)) {
    throw new Error('several instances per service need singleOrigin: true (the proxy is what spreads requests over them)');
  }
  const manifests = readMcpServerManifests(root).filter((m) => m.path === '/mcp' || !options.mcpServers || options.mcpServers.includes(m.name));
  const root0 = manifests.find((m) => m.path === '/mcp');
  if (!root0) throw new Error('no MCP server at /mcp in apps/*/mcp-server.json');
  const others = manifests.filter((m) => m !== root0);
  for (const m of others) {
    if (!existsSync(join(root, 'dist', m.directory, 'main.js'))) throw new Error(`${m.name} is not built: npx nx build ${m.name} (npm start builds every MCP server)`);
  }
  const started: Array<{ stop(): Promise<void> }> = [];
  const services: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    // The service instances drain side by side, then the rest in reverse order of start.
    await Promise.all(services.splice(0).map((s) => s.stop().catch(() => undefined)));
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };

  try {
    const dynamo = await startEmbeddedDynamoDb({ engine: options.dynamodbEngine, port: ports.dynamodb });
    started.push(dynamo);

    const instancePorts = async (first: number, n: number) => [first, ...(await Promise.all(Array.from({ length: n - 1 }, () => freePort())))];
    const gatewayPorts = await instancePorts(ports.gateway, count.gateway);
    const toolsPorts = await instancePorts(ports.tools, count.tools);
    const serverPorts = await Promise.all(others.map(() => freePort()));
    const direct = (p: number) => `http://127.0.0.1:${p}`;

    let proxy: SingleOriginProxy | undefined;
    if (options.singleOrigin) {
      // Listening from the start (its origin is the issuer the services are configured with), but answering
      // 503 + Retry-After until every instance is healthy: never a 502 while the stack comes up.
      proxy = await startSingleOriginProxy({
        port: ports.proxy,
        ready: false,
        // One path table for all: the gateway's paths and each server's `/<name>/mcp` and its metadata path.
        routes: buildRoutes(manifests),
        upstreams: {
          'auth-gateway': gatewayPorts.map(direct),
          [root0.name]: toolsPorts.map(direct),
          ...Object.fromEntries(others.map((m, i) => [m.name, [direct(serverPorts[i] as number)]])),
        },
        healthPath: '/health',
        healthIntervalMs: PROXY_HEALTH_INTERVAL_MS,
        log: (line) => options.output?.('proxy', line),
      });
      started.push(proxy);
    }

    // The public URLs: the services' own origins, or the one proxy origin.
    const gatewayUrl = proxy?.url ?? direct(ports.gateway);
    const toolsUrl = proxy?.url ?? direct(ports.tools);
    const idpUrl = `http://127.0.0.1:${ports.idp}`;
    // Cognito's layout: the hosted domain and the issuer (cognito-idp.<region>.amazonaws.com/<pool>) are two origins.
    const idpIssuerUrl = `http://127.0.0.1:${ports.idpIssuer}`;
    const cognitoIssuer = `${idpIssuerUrl}/${LOCAL_USER_POOL_ID}`;
    const mcpUrl = `${toolsUrl}/mcp`;

    const servers = [
      { manifest: root0, origin: toolsUrl },
      ...others.map((m, i) => ({ manifest: m, origin: proxy?.url ?? direct(serverPorts[i] as number) })),
    ];
    const env = buildServiceEnvironments({ secrets, dynamoEndpoint: dynamo.endpoint, idpUrl, idpIssuerUrl, gatewayUrl, toolsUrl, servers, logLevel: options.logLevel, logFormat: options.logFormat });
    const idpEnv = { ...env.idp, LOCAL_IDP_PORT: String(ports.idp), ...options.env?.idp };
    // Behind the proxy a stopping instance announces itself first (the proxy polls /health); alone, it just drains.
    const announce: Record<string, string> = proxy ? { SHUTDOWN_ANNOUNCE_MS: String(LOCAL_SHUTDOWN_ANNOUNCE_MS) } : {};
    const gatewayEnv = { ...env.gateway, ...announce, PORT: String(ports.gateway), ...options.env?.gateway };
    const toolsEnv = { ...env.tools, ...announce, PORT: String(ports.tools), ...options.env?.tools };
    const otherEnvs = others.map((m, i) => ({ ...env.servers[m.name], ...announce, PORT: String(serverPorts[i]), ...options.env?.servers?.[m.name] }));

    const idp = await startLocalIdpProcess({ port: ports.idp, issuerPort: ports.idpIssuer, env: idpEnv, output: options.output });
    started.push(idp);

    const several = count.gateway > 1 || count.tools > 1;
    const mains = { gateway: 'dist/apps/auth-gateway/main.js', tools: `dist/${root0.directory}/main.js` };
    const launch = (service: 'gateway' | 'tools', p: number, i: number): Promise<LocalServiceInstance> =>
      launchProcess(several ? `${service}#${i + 1}` : service, mains[service], { ...(service === 'gateway' ? gatewayEnv : toolsEnv), PORT: String(p) }, p);
    const launchProcess = (name: string, main: string, processEnv: Record<string, string>, p: number): Promise<LocalServiceInstance> =>
      startServiceProcess({
        name,
        main: join(root, main),
        env: processEnv,
        healthUrl: `${direct(p)}/health`,
        // Several Nest processes starting at once on a small (or busy CI) machine take a while.
        timeoutMs: 60_000,
        output: options.output,
        cwd: root,
      }).then((process) => ({ url: direct(p), process, stop: () => process.stop() }));

    const settled = await Promise.allSettled([
      ...gatewayPorts.map((p, i) => launch('gateway', p, i)),
      ...toolsPorts.map((p, i) => launch('tools', p, i)),
      ...others.map((m, i) => launchProcess(m.name, `dist/${m.directory}/main.js`, otherEnvs[i] as Record<string, string>, serverPorts[i] as number)),
    ]);
    for (const s of settled) if (s.status === 'fulfilled') services.push(s.value);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const running = settled.map((s) => (s as PromiseFulfilledResult<LocalServiceInstance>).value);
    proxy?.setReady(true);

    return {
      urls: {
        dynamodb: dynamo.endpoint,
        idp: idpUrl,
        cognitoIssuer,
        gateway: direct(ports.gateway),
        issuer: gatewayUrl,
        tools: direct(ports.tools),
        mcp: mcpUrl,
        ...(proxy ? { proxy: proxy.url } : {}),
      },
      env: { idp: idpEnv, gateway: gatewayEnv, tools: toolsEnv },
      secrets,
      instances: { gateway: running.slice(0, count.gateway), tools: running.slice(count.gateway, count.gateway + count.tools) },
      servers: others.map((m, i) => ({
        manifest: m,
        mcp: `${servers[i + 1]?.origin}${m.path}`,
        url: direct(serverPorts[i] as number),
        env: otherEnvs[i] as Record<string, string>,
        instance: running[count.gateway + count.tools + i] as LocalServiceInstance,
      })),
      ...(proxy ? { proxy } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
