import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot, loadOrCreateDevSecrets, startLocalStack, type LocalStack } from '@mcp-cognito/dev-stack';

/**
 * `npm start`: the whole stack on loopback with no Docker and no AWS account. By default in
 * single-origin mode, as behind CloudFront: one local proxy origin (LOCAL_PORT_PROXY, 8080) is the
 * issuer and serves `/mcp` and every other MCP server of the workspace at `/<name>/mcp` (each its own process, found by
 * its `apps/<name>/mcp-server.json`), routed by the shared path table; LOCAL_SINGLE_ORIGIN=false gives each
 * service its own origin. Ports can be moved with LOCAL_PORT_DYNAMODB / LOCAL_PORT_IDP /
 * LOCAL_PORT_IDP_ISSUER (local-idp's issuer origin, apart from its domain as in Cognito) / LOCAL_PORT_GATEWAY / LOCAL_PORT_TOOLS, instances per service with LOCAL_GATEWAY_INSTANCES /
 * LOCAL_TOOLS_INSTANCES (single-origin only), the DynamoDB engine with DYNAMODB_ENGINE=dynamodb-local,
 * log verbosity with LOG_LEVEL.
 */
const COLORS: Record<string, string> = { idp: '35', gateway: '36', tools: '33', dynamodb: '32', proxy: '34', clock: '93' };
const tty = process.stdout.isTTY;
const label = (name: string) => (tty ? `\x1b[${COLORS[name.split('#')[0] ?? name] ?? '37'}m${name.padEnd(9)}\x1b[0m` : name.padEnd(9));

function envPort(name: string): number | undefined {
  const v = process.env[name];
  return v ? Number(v) : undefined;
}

interface DevUser {
  username: string;
  password: string;
  email?: string;
  groups?: string[];
}

function banner(stack: LocalStack, users: DevUser[], secretsPath: string, created: boolean): string {
  const health = (service: string, instances: Array<{ url: string }>) =>
    instances.map((instance, i) => [`${service} health${instances.length > 1 ? ` #${i + 1}` : ''}`, `${instance.url}/health`]);
  const rows = [
    ['MCP endpoint (point your client here)', stack.urls.mcp],
    ['Protected Resource Metadata', `${new URL(stack.urls.mcp).origin}/.well-known/oauth-protected-resource/mcp`],
    ['Authorization server (issuer)', stack.urls.issuer],
    ['  metadata', `${stack.urls.issuer}/.well-known/oauth-authorization-server`],
    ...(stack.urls.proxy ? [['Single origin (local proxy, path rules as in AWS)', stack.urls.proxy]] : []),
    ...health('auth-gateway', stack.instances.gateway),
    ...health('mcp-tools', stack.instances.tools),
    // Every other MCP server of the workspace (apps/*/mcp-server.json), behind the same origin at its own path.
    ...stack.servers.flatMap((server) => [
      [`MCP server ${server.manifest.name} (${Object.keys(server.manifest.scopes).join(', ')})`, server.mcp],
      ['  its Protected Resource Metadata', `${new URL(server.mcp).origin}/.well-known/oauth-protected-resource${server.manifest.path}`],
      ...health(server.manifest.name, [server.instance]),
    ]),
    ['local-idp (Cognito stand-in): hosted domain', stack.urls.idp],
    ['  user-pool issuer (its own origin, as in AWS)', `${stack.urls.cognitoIssuer}/.well-known/openid-configuration`],
    ['Sign out (ends the Cognito session too)', `${stack.urls.issuer}/consent/sign-out`],
    ['DynamoDB (embedded)', stack.urls.dynamodb],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    '',
    'MCP on Cognito - local stack is up',
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'Dev users (local-idp only):',
    // With email as the username attribute Cognito's usernames are UUIDs: such users sign in with their email.
    ...users.map((u) => {
      const signIn = /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(u.username) && u.email ? u.email : u.username;
      return `  ${signIn.padEnd(18)} password: ${u.password.padEnd(19)} groups: ${(u.groups ?? []).join(', ') || '-'}`;
    }),
    '',
    `Dev keys and secrets: ${secretsPath}${created ? ' (generated now)' : ''}`,
    '',
    'Next: connect an MCP client to the MCP endpoint above, e.g.',
    `  claude mcp add --transport http local-mcp ${stack.urls.mcp}`,
    `  npx @modelcontextprotocol/inspector   (then connect to ${stack.urls.mcp})`,
    'Run the tests with: npm test',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const root = findWorkspaceRoot();
  const { created, path } = await loadOrCreateDevSecrets(join(root, '.local'));
  const started = Date.now();
  const singleOrigin = !/^(false|0|no)$/i.test(process.env['LOCAL_SINGLE_ORIGIN'] ?? 'true');
  const stack = await startLocalStack({
    ports: {
      dynamodb: envPort('LOCAL_PORT_DYNAMODB'),
      idp: envPort('LOCAL_PORT_IDP'),
      idpIssuer: envPort('LOCAL_PORT_IDP_ISSUER'),
      gateway: envPort('LOCAL_PORT_GATEWAY'),
      tools: envPort('LOCAL_PORT_TOOLS'),
      proxy: envPort('LOCAL_PORT_PROXY'),
    },
    singleOrigin,
    instances: { gateway: envPort('LOCAL_GATEWAY_INSTANCES'), tools: envPort('LOCAL_TOOLS_INSTANCES') },
    dynamodbEngine: process.env['DYNAMODB_ENGINE'] === 'dynamodb-local' ? 'dynamodb-local' : 'dynalite',
    logLevel: process.env['LOG_LEVEL'] ?? 'info',
    logFormat: 'pretty',
    output: (service, line) => process.stdout.write(`${label(service)} | ${line}\n`),
  });
  const users = JSON.parse(readFileSync(join(root, 'apps/local-idp/dev-users.json'), 'utf8')) as DevUser[] | { users: DevUser[] };
  process.stdout.write(banner(stack, Array.isArray(users) ? users : users.users, path, created));
  process.stdout.write(`(ready in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local stack...\n`);
    await stack.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`local stack failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
