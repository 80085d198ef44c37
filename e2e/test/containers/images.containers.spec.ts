import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServiceEnvironments, freePort, generateDevSecrets, waitUntilDynamoDbAnswers } from '@mcp-cognito/dev-stack';
import type { McpSession } from '../support/mcp-session';
import { ContainerEngine } from './support/container-engine';
import { signIn } from './support/sign-in';
import { containersSuiteEnv } from './support/suite-env';

const suite = containersSuiteEnv();
const engine = new ContainerEngine(suite.cli, suite.label);
const APPS = ['local-idp', 'auth-gateway', 'mcp-tools'] as const;
type App = (typeof APPS)[number];

/** Variables that hold key material: ECS injects them from Secrets Manager; an image must never carry them. */
const SECRET_VARIABLES = ['COGNITO_CLIENT_SECRET', 'GATEWAY_SIGNING_KEYS', 'TOKEN_ENCRYPTION_KEYS', 'STORAGE_ENCRYPTION_KEYS', 'COOKIE_SECRET', 'LOCAL_IDP_SIGNING_JWKS', 'LOCAL_IDP_COOKIE_KEYS'];

/** `env` without the named variables. */
function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

describe.each(APPS)('image built from apps/%s/Dockerfile', (app) => {
  it('runs as the non-root user `node`, declares a HEALTHCHECK, and carries no key material in its environment', async () => {
    const image = suite.images[app];
    expect(await engine.inspect(image, '{{.Config.User}}', 'image')).toBe('node');
    expect(JSON.parse(await engine.inspect(image, '{{json .Config.Healthcheck.Test}}', 'image'))).toEqual(['CMD', 'node', '-e', expect.stringContaining('fetch(')]);
    const env = JSON.parse(await engine.inspect(image, '{{json .Config.Env}}', 'image')) as string[];
    expect(env.map((e) => e.split('=')[0]).filter((name) => SECRET_VARIABLES.includes(name ?? ''))).toEqual([]);
  });
});

/**
 * The three images run as ECS runs them (infra/src/constructs/mcp-fargate-service.ts): the image's own
 * user, a read-only root file system with a writable /tmp, configuration and secrets as environment
 * variables, every container of the "task" in one network namespace. DynamoDB Local and local-idp stand in
 * for DynamoDB and Cognito.
 */
describe('the service images as ECS runs them (non-root, read-only root file system, tmpfs /tmp)', () => {
  const run = randomBytes(4).toString('hex');
  const names = {
    task: `mcp-cognito-suite-task-${run}`,
    dynamodb: `mcp-cognito-suite-dynamodb-${run}`,
    'local-idp': `mcp-cognito-suite-local-idp-${run}`,
    'auth-gateway': `mcp-cognito-suite-auth-gateway-${run}`,
    'mcp-tools': `mcp-cognito-suite-mcp-tools-${run}`,
  };
  const dir = mkdtempSync(join(tmpdir(), 'containers-suite-'));
  const ports = { dynamodb: 0, idp: 0, gateway: 0, tools: 0 };
  let urls: { issuer: string; mcp: string; idp: string; tools: string };

  /** An env file as ECS would pass the task definition's `environment` and `secrets` (mode 0600, removed after). */
  function envFile(app: App, env: Record<string, string>): string {
    const file = join(dir, `${app}.env`);
    writeFileSync(file, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    return file;
  }

  beforeAll(async () => {
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) {
      let port = await freePort();
      while (Object.values(ports).includes(port)) port = await freePort();
      ports[key] = port;
    }
    urls = {
      issuer: `http://127.0.0.1:${ports.gateway}`,
      tools: `http://127.0.0.1:${ports.tools}`,
      mcp: `http://127.0.0.1:${ports.tools}/mcp`,
      idp: `http://127.0.0.1:${ports.idp}`,
    };
    const env = buildServiceEnvironments({
      secrets: await generateDevSecrets(),
      dynamoEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
      idpUrl: urls.idp,
      gatewayUrl: urls.issuer,
      toolsUrl: urls.tools,
      logLevel: 'warn',
    });
    // The images' own NODE_ENV (production) and HOST (0.0.0.0) apply, as in ECS; only the ports move.
    const gateway = without(env.gateway, 'NODE_ENV', 'HOST');
    const tools = without(env.tools, 'NODE_ENV', 'HOST');
    const idp = without(env.idp, 'LOCAL_IDP_HOST');

    await engine.startNetworkHolder(names.task, suite.nodeImage, Object.values(ports));
    await engine.startService({
      name: names.dynamodb,
      image: suite.dynamodbImage,
      network: names.task,
      readOnly: false, // DynamoDB Local is not one of our images (and never runs in ECS)
      command: ['-jar', 'DynamoDBLocal.jar', '-inMemory', '-sharedDb', '-port', String(ports.dynamodb), '-disableTelemetry'],
    });
    await waitUntilDynamoDbAnswers(`http://127.0.0.1:${ports.dynamodb}`, { timeoutMs: 60_000 });
    await engine.startService({ name: names['local-idp'], image: suite.images['local-idp'], network: names.task, envFile: envFile('local-idp', { ...idp, LOCAL_IDP_PORT: String(ports.idp) }) });
    await engine.waitHealthy(names['local-idp']);
    await engine.startService({ name: names['auth-gateway'], image: suite.images['auth-gateway'], network: names.task, envFile: envFile('auth-gateway', { ...gateway, PORT: String(ports.gateway) }) });
    await engine.startService({ name: names['mcp-tools'], image: suite.images['mcp-tools'], network: names.task, envFile: envFile('mcp-tools', { ...tools, PORT: String(ports.tools) }) });
    await Promise.all([engine.waitHealthy(names['auth-gateway']), engine.waitHealthy(names['mcp-tools'])]);
  }, 300_000);

  afterAll(async () => {
    await engine.remove(Object.values(names));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it.each(APPS)('%s: PID 1 runs as uid 1000 (node), the root file system refuses writes, /tmp accepts them', async (app) => {
    const probe = [
      "const fs = require('fs');",
      "const uid = /^Uid:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/1/status', 'utf8'))[1];",
      "let root = 'writable'; try { fs.writeFileSync('/app/probe', 'x'); } catch (e) { root = e.code; }",
      "fs.writeFileSync('/tmp/probe', 'x');",
      'process.stdout.write(JSON.stringify({ uid, root, tmp: fs.readFileSync("/tmp/probe", "utf8") }));',
    ].join(' ');
    const result = await engine.exec(names[app], ['node', '-e', probe]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ uid: '1000', root: 'EROFS', tmp: 'x' });
  });

  it.each(APPS)('%s: answers its own HEALTHCHECK (healthy) and its health endpoint from the host', async (app) => {
    expect(await engine.inspect(names[app], '{{.State.Health.Status}}')).toBe('healthy');
    const url = {
      'local-idp': `${urls.idp}/local_devpool/.well-known/openid-configuration`,
      'auth-gateway': `${urls.issuer}/health`,
      'mcp-tools': `${urls.tools}/health`,
    }[app];
    expect((await fetch(url)).status).toBe(200);
  });

  describe('smoke: a real MCP client against the gateway and tools images, DynamoDB Local and local-idp', () => {
    let session: McpSession | undefined;

    afterAll(async () => {
      await session?.close();
    });

    it('signs in (registration, consent, local-idp login, PKCE token exchange) and calls tools that read and write DynamoDB', async () => {
      const signedIn = await signIn(urls, 'containers suite: ECS-like images');
      session = signedIn.session;
      expect(session.authorizations).toBe(1);
      expect(session.trace().filter((l) => /^POST \/(register|token) /.test(l))).toEqual(['POST /register 201', 'POST /token 200 authorization_code']);
      const me = await session.callJson<{ username: string; scopes: string[] }>('whoami');
      expect(me.username).toBe('alice');
      const title = `images smoke ${run}`;
      const created = await session.callJson<{ id: string; title: string }>('notes_create', { title, body: 'stored in DynamoDB Local' });
      const list = await session.callJson<{ notes: Array<{ id: string }> }>('notes_list', {});
      expect(list.notes.map((n) => n.id)).toContain(created.id);
    });
  });
});
