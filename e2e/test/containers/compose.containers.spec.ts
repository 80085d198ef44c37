import { join } from 'node:path';
import { findWorkspaceRoot } from '@mcp-cognito/dev-stack';
import type { McpSession } from '../support/mcp-session';
import { run, tail, type RunOptions } from './support/command';
import { portAnswers, assertPortsFree } from './support/ports';
import { signIn } from './support/sign-in';
import { containersSuiteEnv } from './support/suite-env';

const suite = containersSuiteEnv();
const root = findWorkspaceRoot();
/** The ports docker-compose.yml publishes on 127.0.0.1 (DynamoDB Local, local-idp, gateway, tools). */
const PUBLISHED = [8000, 9000, 3000, 3001];
const URLS = { issuer: 'http://127.0.0.1:3000', mcp: 'http://127.0.0.1:3001/mcp' };

/** `docker compose` on the repo's docker-compose.yml, under the suite's own project name. */
function compose(args: string[], options: RunOptions = {}) {
  const base = [...suite.compose, '--project-name', suite.composeProject, '--project-directory', root, '--file', join(root, 'docker-compose.yml')];
  return run([...base, ...args], options);
}

interface PsEntry {
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}

/** `compose ps --format json`: one JSON object per line (Compose >= 2.21) or one array (older 2.x). */
function parsePs(stdout: string): PsEntry[] {
  const text = stdout.trim();
  if (text.startsWith('[')) return JSON.parse(text) as PsEntry[];
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PsEntry);
}

/** What the engine still holds for the project: containers, volumes, networks. */
async function leftovers(): Promise<string[]> {
  const label = `label=com.docker.compose.project=${suite.composeProject}`;
  const found: string[] = [];
  for (const kind of ['container', 'volume', 'network'] as const) {
    const listed = await run([suite.cli, kind, 'ls', '--quiet', ...(kind === 'container' ? ['--all'] : []), '--filter', label]);
    found.push(...listed.stdout.split('\n').filter(Boolean).map((id) => `${kind} ${id}`));
  }
  return found;
}

/**
 * The README's one command, `docker compose up --build`, from a fresh clone: the one-shot `secrets` service
 * generates the dev keys into a named volume, DynamoDB Local, local-idp, the gateway and the tools service
 * come up healthy on 127.0.0.1:8000/9000/3000/3001, a real MCP client completes the OAuth flow and calls
 * tools through the stack, and `docker compose down -v` leaves nothing behind.
 */
describe('docker compose up --build (the README stack)', () => {
  let session: McpSession | undefined;

  beforeAll(async () => {
    await assertPortsFree(PUBLISHED, 'the compose stack (docker-compose.yml publishes them)');
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '5']); // a clean slate, as a fresh clone has
    try {
      await compose(['up', '--detach', '--build', '--wait', '--wait-timeout', '300'], { timeoutMs: 900_000 });
    } catch (err) {
      const logs = await compose(['logs', '--no-color', '--tail', '40'], { allowFailure: true });
      throw new Error(`${(err as Error).message}\n--- compose logs ---\n${tail(logs.stdout, 120)}`);
    }
  }, 960_000);

  afterAll(async () => {
    await session?.close();
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '5']).catch(() => undefined);
  }, 120_000);

  it('secrets ran once and exited 0; dynamodb, local-idp, auth-gateway and mcp-tools are running and healthy', async () => {
    const ps = parsePs((await compose(['ps', '--all', '--format', 'json'])).stdout);
    const byService = Object.fromEntries(ps.map((e) => [e.Service, e]));
    expect(byService['secrets']).toMatchObject({ State: 'exited', ExitCode: 0 });
    for (const service of ['dynamodb', 'local-idp', 'auth-gateway', 'mcp-tools']) {
      expect([service, byService[service]?.State, byService[service]?.Health]).toEqual([service, 'running', 'healthy']);
    }
  });

  it('the services run as `node` and read their keys from the named volume (files of node, mode 0400)', async () => {
    for (const service of ['auth-gateway', 'mcp-tools', 'local-idp']) {
      const out = await compose(['exec', '-T', service, 'sh', '-c', 'id -un; stat -c "%a %U" /run/secrets/mcp/TOKEN_ENCRYPTION_KEYS /run/secrets/mcp/COGNITO_CLIENT_SECRET']);
      expect([service, ...out.stdout.trim().split('\n')]).toEqual([service, 'node', '400 node', '400 node']);
    }
  });

  it('a real MCP client completes the OAuth flow through the stack and calls tools', async () => {
    const signedIn = await signIn(URLS, 'containers suite: docker compose');
    session = signedIn.session;
    expect(session.authorizations).toBe(1);
    expect(session.log[0]).toMatchObject({ method: 'POST', status: 401 });
    expect(session.trace().filter((l) => /^POST \/(register|token) /.test(l))).toEqual(['POST /register 201', 'POST /token 200 authorization_code']);
    const me = await session.callJson<{ username: string; scopes: string[] }>('whoami');
    expect(me.username).toBe('alice');
    const created = await session.callJson<{ id: string }>('notes_create', { title: 'compose smoke', body: 'stored in DynamoDB Local' });
    expect((await session.callJson<{ id: string; body: string }>('notes_get', { id: created.id })).body).toBe('stored in DynamoDB Local');
  });

  it('docker compose down -v: no container, volume or network of the project is left, the ports are free again', async () => {
    await session?.close();
    session = undefined;
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '10']);
    expect(await leftovers()).toEqual([]);
    for (const port of PUBLISHED) expect([port, await portAnswers(port)]).toEqual([port, false]);
  });
});
