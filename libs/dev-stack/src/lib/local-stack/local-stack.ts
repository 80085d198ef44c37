import { join } from 'node:path';
import { startEmbeddedDynamoDb } from '../dynamodb/embedded-dynamodb';
import { freePort } from '../dynamodb/free-port';
import { startLocalIdpProcess } from '../local-idp-process';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';
import { startServiceProcess } from './service-process';
import { buildServiceEnvironments, LOCAL_USER_POOL_ID } from './service-environments';
import { findWorkspaceRoot } from './workspace-root';

/** Ports of the local stack; `0` picks a free port (tests), the defaults suit a developer. */
export interface LocalStackPorts {
  dynamodb: number;
  idp: number;
  gateway: number;
  tools: number;
}

export const DEFAULT_LOCAL_PORTS: LocalStackPorts = { dynamodb: 8000, idp: 9000, gateway: 3000, tools: 3001 };

export interface LocalStackOptions {
  ports?: Partial<LocalStackPorts>;
  dynamodbEngine?: 'dynalite' | 'dynamodb-local';
  /** Defaults to the persisted set in `<root>/.local/` (created on first use). */
  secrets?: DevSecrets;
  /** Extra variables per service, e.g. short token lifetimes in tests. */
  env?: { idp?: Record<string, string>; gateway?: Record<string, string>; tools?: Record<string, string> };
  logLevel?: string;
  logFormat?: 'json' | 'pretty';
  output?: (service: string, line: string) => void;
}

export interface LocalStack {
  urls: { dynamodb: string; idp: string; cognitoIssuer: string; gateway: string; issuer: string; tools: string; mcp: string };
  /** The exact environment each service was started with (the same variables docker-compose and AWS use). */
  env: { idp: Record<string, string>; gateway: Record<string, string>; tools: Record<string, string> };
  secrets: DevSecrets;
  stop(): Promise<void>;
}


async function port(wanted: number | undefined, fallback: number): Promise<number> {
  const p = wanted ?? fallback;
  return p === 0 ? freePort() : p;
}

/**
 * Brings up the whole stack on loopback: embedded DynamoDB, local-idp, auth-gateway, mcp-tools.
 * Services run from their built output (`dist/apps/*`), each as its own process.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const root = findWorkspaceRoot();
  const secrets = options.secrets ?? (await loadOrCreateDevSecrets(join(root, '.local'))).secrets;
  const ports: LocalStackPorts = {
    dynamodb: await port(options.ports?.dynamodb, DEFAULT_LOCAL_PORTS.dynamodb),
    idp: await port(options.ports?.idp, DEFAULT_LOCAL_PORTS.idp),
    gateway: await port(options.ports?.gateway, DEFAULT_LOCAL_PORTS.gateway),
    tools: await port(options.ports?.tools, DEFAULT_LOCAL_PORTS.tools),
  };
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };

  try {
    const dynamo = await startEmbeddedDynamoDb({ engine: options.dynamodbEngine, port: ports.dynamodb });
    started.push(dynamo);

    const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    const toolsUrl = `http://127.0.0.1:${ports.tools}`;
    const idpUrl = `http://127.0.0.1:${ports.idp}`;
    const cognitoIssuer = `${idpUrl}/${LOCAL_USER_POOL_ID}`;
    const mcpUrl = `${toolsUrl}/mcp`;

    const env = buildServiceEnvironments({ secrets, dynamoEndpoint: dynamo.endpoint, idpUrl, gatewayUrl, toolsUrl, logLevel: options.logLevel, logFormat: options.logFormat });
    const idpEnv = { ...env.idp, LOCAL_IDP_PORT: String(ports.idp), ...options.env?.idp };
    const gatewayEnv = { ...env.gateway, PORT: String(ports.gateway), ...options.env?.gateway };
    const toolsEnv = { ...env.tools, PORT: String(ports.tools), ...options.env?.tools };

    const idp = await startLocalIdpProcess({ port: ports.idp, env: idpEnv, output: options.output });
    started.push(idp);

    const settled = await Promise.allSettled([
      startServiceProcess({
        name: 'gateway',
        main: join(root, 'dist/apps/auth-gateway/main.js'),
        env: gatewayEnv,
        healthUrl: `${gatewayUrl}/health`,
        output: options.output,
        cwd: root,
      }),
      startServiceProcess({
        name: 'tools',
        main: join(root, 'dist/apps/mcp-tools/main.js'),
        env: toolsEnv,
        healthUrl: `${toolsUrl}/health`,
        output: options.output,
        cwd: root,
      }),
    ]);
    for (const s of settled) if (s.status === 'fulfilled') started.push(s.value);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;

    return {
      urls: { dynamodb: dynamo.endpoint, idp: idpUrl, cognitoIssuer, gateway: gatewayUrl, issuer: gatewayUrl, tools: toolsUrl, mcp: mcpUrl },
      env: { idp: idpEnv, gateway: gatewayEnv, tools: toolsEnv },
      secrets,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
