import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { parseMcpServerRegistration, readMcpServerManifests, type McpServerRegistration } from '@mcp-cognito/contracts';
import { findWorkspaceRoot, generateDevSecrets, startLocalStack, type LocalStack } from '@mcp-cognito/dev-stack';

/**
 * The promise of `npm start` (docs/architecture.md#local-stack): with no Docker and no AWS account, embedded DynamoDB,
 * local-idp, the gateway and the tools service come up on loopback and report their dependencies.
 */
describe('local stack: one command brings every service up on loopback', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      ports: { dynamodb: 0, idp: 0, gateway: 0, tools: 0 },
      secrets: await generateDevSecrets(),
      logLevel: 'warn',
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['auth-gateway', () => `${stack.urls.gateway}/health`],
    ['mcp-tools', () => `${stack.urls.tools}/health`],
  ])('%s /health answers 200 with DynamoDB reported up', async (_name, url) => {
    const res = await fetch(url());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; info: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.info['dynamodb']?.status).toBe('up');
  });

  it('the readiness checks reach the upstream key sets (Cognito JWKS from local-idp)', async () => {
    const res = await fetch(`${stack.urls.gateway}/health/ready`);
    const body = (await res.json()) as { info: Record<string, { status: string }> };
    expect(res.status).toBe(200);
    expect(body.info['cognito_jwks']?.status).toBe('up');
  });

  it('local-idp runs in its Cognito-default mode: the user-pool issuer on its own origin, two signing keys', async () => {
    expect(new URL(stack.urls.cognitoIssuer).origin).not.toBe(stack.urls.idp);
    expect(stack.env.gateway['COGNITO_ISSUER']).toBe(stack.urls.cognitoIssuer);
    const jwks = (await (await fetch(`${stack.urls.cognitoIssuer}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(2);
    expect((await fetch(`${stack.urls.idp}/${new URL(stack.urls.cognitoIssuer).pathname.slice(1)}/.well-known/jwks.json`)).status).toBe(404);
  });

  it('local-idp serves its discovery document and JWKS under the user-pool issuer path', async () => {
    const discovery = (await (await fetch(`${stack.urls.cognitoIssuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
      authorization_endpoint: string;
    };
    expect(discovery.issuer).toBe(stack.urls.cognitoIssuer);
    expect(discovery.jwks_uri).toBe(`${stack.urls.cognitoIssuer}/.well-known/jwks.json`);
    expect(discovery.authorization_endpoint).toBe(`${stack.urls.idp}/oauth2/authorize`);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
    // jose can use it as a key set
    expect(typeof createRemoteJWKSet(new URL(discovery.jwks_uri))).toBe('function');
  });

  it('a service with an invalid environment exits with one clear error listing every problem', async () => {
    const result = spawnSync(process.execPath, [join(findWorkspaceRoot(), 'dist/apps/auth-gateway/main.js')], {
      env: { PATH: process.env['PATH'] ?? '', GATEWAY_ISSUER: 'http://gateway.example.com', PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/auth-gateway: invalid configuration \(\d+ problems\)/);
    expect(result.stderr).toContain('GATEWAY_ISSUER must use https');
    expect(result.stderr).toContain('PORT must be a whole number');
    expect(result.stderr).toContain('COGNITO_USER_POOL_ID is required');
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});

/** `npm start`'s default topology: one origin (the local proxy) in front of both services. */
describe('local stack, single origin: the proxy passes every early answer of a service through whole', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      ports: { dynamodb: 0, idp: 0, gateway: 0, tools: 0, proxy: 0 },
      secrets: await generateDevSecrets(),
      logLevel: 'warn',
      singleOrigin: true,
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.urls.proxy}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });

  it('a 2 MB body without a token: the tools service\'s 401 challenge, before it reads the body', async () => {
    const res = await post('/mcp', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2_000_000) } }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
    expect(await res.json()).toMatchObject({ error_description: expect.any(String) });
  });

  it('a token request body over the gateway\'s limit: the gateway\'s 400 OAuth error, with its body', async () => {
    const res = await fetch(`${stack.urls.proxy}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'x'.repeat(200_000)}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('local stack: every MCP server of the workspace runs behind the one origin (apps/*/mcp-server.json)', () => {
  let stack: LocalStack;
  const manifests = readMcpServerManifests(findWorkspaceRoot());

  beforeAll(async () => {
    stack = await startLocalStack({
      ports: { dynamodb: 0, idp: 0, gateway: 0, tools: 0, proxy: 0 },
      secrets: await generateDevSecrets(),
      logLevel: 'warn',
      singleOrigin: true,
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('each server besides mcp-tools is its own process, served at <origin>/<name>/mcp', () => {
    expect(stack.servers.map((s) => s.manifest.name)).toEqual(manifests.filter((m) => m.path !== '/mcp').map((m) => m.name));
    expect(stack.servers.map((s) => s.mcp)).toContain(`${stack.urls.proxy}/clock/mcp`);
    expect(new Set(stack.servers.map((s) => s.instance.process.child.pid)).size).toBe(stack.servers.length);
  });

  it('the gateway gets the registry: MCP_SERVERS (one registration per manifest)', () => {
    const registrations = JSON.parse(stack.env.gateway['MCP_SERVERS'] ?? '[]').map((r: unknown) => parseMcpServerRegistration(r));
    expect(registrations.map((r: McpServerRegistration) => r.resource)).toEqual(manifests.map((m) => `${stack.urls.proxy}${m.path}`));
  });

  it('through the proxy: clock answers 401 at /clock/mcp naming its own metadata, and its PRM names its scopes', async () => {
    const res = await fetch(`${stack.urls.proxy}/clock/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    const prm = `${stack.urls.proxy}/.well-known/oauth-protected-resource/clock/mcp`;
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${prm}"`);
    expect(await (await fetch(prm)).json()).toMatchObject({ resource: `${stack.urls.proxy}/clock/mcp`, scopes_supported: ['clock/read'], authorization_servers: [stack.urls.issuer] });
    // mcp-tools keeps /mcp and the bare well-known URL
    expect(await (await fetch(`${stack.urls.proxy}/.well-known/oauth-protected-resource`)).json()).toMatchObject({ resource: `${stack.urls.proxy}/mcp` });
  });

  it('a stateless server reports no table in its health', async () => {
    const clock = stack.servers.find((s) => s.manifest.name === 'clock');
    const body = (await (await fetch(`${clock?.url}/health`)).json()) as { status: string; info: Record<string, unknown> };
    expect(body.status).toBe('ok');
    expect(body.info).not.toHaveProperty('dynamodb');
  });
});
