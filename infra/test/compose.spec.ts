import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { gatewayEnvSchema, loadGatewayConfig, loadMcpServerConfig, mcpServerEnvSchema } from '@mcp-cognito/config';
import { parseEncryptionKeyRing, parseSigningKeySet } from '@mcp-cognito/tokens';
import { buildServiceEnvironments, DYNAMODB_LOCAL_IMAGE, type DevSecrets } from '@mcp-cognito/dev-stack';
import { workspaceRoot } from '../src/config/workspace';

/**
 * The compose file's shape and its contract with the services: that every variable is one the services
 * actually read. Running it (`docker compose up --build`, a real client signing in) is the containers suite's
 * job (`npm run test:containers`, e2e/test/containers).
 */
interface ComposeService {
  image?: string;
  command?: string[];
  volumes?: string[];
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  network_mode?: string;
  ports?: string[];
}

const root = workspaceRoot();
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};

/** Read by the AWS SDK, not by libs/config (DynamoDB Local wants some credentials). */
const AWS_SDK_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** The variables local-idp reads: every LOCAL_IDP_* / COGNITO_* name in its config module. */
function localIdpVariables(): string[] {
  const source = readFileSync(join(root, 'apps/local-idp/src/config.ts'), 'utf8');
  return [...new Set(source.match(/\b(?:LOCAL_IDP|COGNITO)_[A-Z_]+\b/g) ?? [])];
}

const ACCEPTED: Record<string, string[]> = {
  'auth-gateway': [...Object.keys(gatewayEnvSchema.shape), ...AWS_SDK_VARIABLES],
  'mcp-tools': [...Object.keys(mcpServerEnvSchema.shape), ...AWS_SDK_VARIABLES],
  'local-idp': localIdpVariables(),
};

const SECRETS = ['COGNITO_CLIENT_SECRET', 'GATEWAY_SIGNING_KEYS', 'TOKEN_ENCRYPTION_KEYS', 'STORAGE_ENCRYPTION_KEYS', 'COOKIE_SECRET', 'REFRESH_TOKEN_KEYS', 'LOCAL_IDP_SIGNING_JWKS', 'LOCAL_IDP_COOKIE_KEYS'];
/** Where the `secrets` service writes the dev keys (a named volume), one file per variable. */
const SECRETS_DIR = '/run/secrets/mcp';

/** A compose variable name as the service reads it: `<NAME>_FILE` (libs/config resolveFileVariables) counts as NAME. */
const baseName = (v: string) => (v.endsWith('_FILE') && SECRETS.includes(v.slice(0, -'_FILE'.length)) ? v.slice(0, -'_FILE'.length) : v);

describe('docker-compose.yml', () => {
  it('has DynamoDB Local, local-idp, auth-gateway and mcp-tools', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['dynamodb', 'local-idp', 'auth-gateway', 'mcp-tools']));
    expect(compose.services['dynamodb'].image).toMatch(/^amazon\/dynamodb-local(:|$)/);
  });

  it('runs the DynamoDB Local version the storage suite tests (libs/dev-stack DYNAMODB_LOCAL_IMAGE, the provisioned jar)', () => {
    expect(compose.services['dynamodb'].image).toBe(DYNAMODB_LOCAL_IMAGE);
  });

  it('the dynamodb health check asks DynamoDB itself, as one shell command', () => {
    const test = compose.services['dynamodb'].healthcheck?.test ?? [];
    expect(test[0]).toBe('CMD-SHELL');
    expect(test).toHaveLength(2);
    expect(test[1]).toContain('HTTP/1.1 400');
  });

  it('no CMD-form health check has an argument with a space (podman 4.3\'s Docker API splits them on spaces)', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const test = service.healthcheck?.test ?? [];
      if (test[0] === 'CMD') expect([name, test.filter((arg) => arg.includes(' '))]).toEqual([name, []]);
    }
  });

  it.each(['auth-gateway', 'mcp-tools', 'local-idp'])('%s: every variable is one the service reads', (name) => {
    const env = Object.keys(compose.services[name].environment ?? {});
    expect(env.length).toBeGreaterThan(3);
    expect(env.filter((v) => !ACCEPTED[name].includes(baseName(v)))).toEqual([]);
  });

  it.each(['auth-gateway', 'mcp-tools', 'local-idp'])('%s: is built from its Dockerfile in the repo (context exists on disk)', (name) => {
    const build = compose.services[name].build ?? { context: '<none>', dockerfile: '<none>' };
    expect(existsSync(join(root, build.context))).toBe(true);
    expect(build.dockerfile).toBe(`apps/${name}/Dockerfile`);
    expect(existsSync(join(root, build.context, build.dockerfile))).toBe(true);
  });

  it('every service has a health check and the apps wait for healthy dependencies', () => {
    for (const name of ['dynamodb', 'local-idp', 'auth-gateway', 'mcp-tools']) expect(compose.services[name].healthcheck?.test.length).toBeGreaterThan(0);
    expect(compose.services['auth-gateway'].depends_on).toMatchObject({
      dynamodb: { condition: 'service_healthy' },
      'local-idp': { condition: 'service_healthy' },
    });
    expect(compose.services['mcp-tools'].depends_on).toMatchObject({ dynamodb: { condition: 'service_healthy' } });
  });

  it('uses exactly the environment of `npm start` (libs/dev-stack buildServiceEnvironments), but listening on 0.0.0.0', () => {
    const secretFields = ['gatewaySigningKeys', 'tokenEncryptionKeys', 'storageEncryptionKeys', 'cookieSecret', 'refreshTokenKeys', 'cognitoClientSecret', 'localIdpSigningJwks', 'localIdpCookieKeys'];
    const secrets = Object.fromEntries(secretFields.map((f) => [f, `<${f}>`])) as unknown as DevSecrets;
    const expected = buildServiceEnvironments({
      secrets,
      dynamoEndpoint: 'http://127.0.0.1:8000',
      idpUrl: 'http://127.0.0.1:9000',
      idpIssuerUrl: 'http://127.0.0.1:9001',
      gatewayUrl: 'http://127.0.0.1:3000',
      toolsUrl: 'http://127.0.0.1:3001',
      logLevel: '${LOG_LEVEL:-info}',
    });
    const pairs: Array<[string, Record<string, string>]> = [
      ['local-idp', expected.idp],
      ['auth-gateway', expected.gateway],
      ['mcp-tools', expected.tools],
    ];
    for (const [service, env] of pairs) {
      const actual = Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [baseName(k), String(v)]));
      // The caller of buildServiceEnvironments adds the ports; compose sets them per service.
      expect(Object.keys(actual).filter((k) => !['PORT', 'LOCAL_IDP_PORT'].includes(k)).sort()).toEqual(Object.keys(env).sort());
      for (const [name, value] of Object.entries(env)) {
        if (SECRETS.includes(name)) continue; // read from the generated files (next test)
        if (name === 'HOST' || name === 'LOCAL_IDP_HOST') expect(actual[name]).toBe('0.0.0.0'); // published ports reach 0.0.0.0 only
        else expect([service, name, actual[name]]).toEqual([service, name, value]);
      }
    }
  });

  it('holds no key material: every secret is a file the `secrets` service generates into a named volume on first start', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const env = Object.keys(service.environment ?? {});
      expect([name, env.filter((k) => SECRETS.includes(k))]).toEqual([name, []]);
      for (const k of env.filter((k) => k.endsWith('_FILE'))) expect(String(service.environment![k])).toBe(`${SECRETS_DIR}/${baseName(k)}`);
      if (env.some((k) => k.endsWith('_FILE'))) {
        expect(service.volumes).toContain(`dev-secrets:${SECRETS_DIR}:ro`);
        expect(service.depends_on).toMatchObject({ secrets: { condition: 'service_completed_successfully' } });
      }
    }
    expect(compose.volumes).toHaveProperty('dev-secrets');
    expect(compose.services['secrets'].volumes).toEqual(['./tools/compose:/scripts:ro', `dev-secrets:${SECRETS_DIR}`]);
    expect(compose.services['secrets'].command).toEqual(['node', '/scripts/dev-secrets.mjs', SECRETS_DIR, '--owner', '1000:1000']);
  });

  it('the generator writes every secret once, in a shape the services accept, and keeps it on the next start', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'compose-secrets-')), 'mcp');
    const run = () => execFileSync(process.execPath, [join(root, 'tools/compose/dev-secrets.mjs'), dir], { encoding: 'utf8' });
    expect(run()).toContain('generated');
    expect(readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual([...SECRETS].sort());
    for (const f of SECRETS) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o400);
    const before = readFileSync(join(dir, 'GATEWAY_SIGNING_KEYS'), 'utf8');
    expect(run()).toContain('kept');
    expect(readFileSync(join(dir, 'GATEWAY_SIGNING_KEYS'), 'utf8')).toBe(before);
    // The services' own parsers accept the files (through <NAME>_FILE), as they will in the containers.
    const files = Object.fromEntries(SECRETS.map((n) => [`${n}_FILE`, join(dir, n)]));
    const gatewayEnv = { ...files, COGNITO_USER_POOL_ID: 'local_devpool', COGNITO_CLIENT_ID: 'c', COGNITO_DOMAIN: 'http://127.0.0.1:9000', GATEWAY_ISSUER: 'http://127.0.0.1:3000', MCP_RESOURCES: 'http://127.0.0.1:3001/mcp' };
    const gateway = loadGatewayConfig(gatewayEnv);
    const tools = loadMcpServerConfig('mcp-tools', { ...gatewayEnv, MCP_RESOURCE: 'http://127.0.0.1:3001/mcp' });
    return Promise.all([
      parseSigningKeySet(gateway.keys.signingKeys),
      parseEncryptionKeyRing(gateway.keys.tokenEncryptionKeys),
      parseEncryptionKeyRing(gateway.keys.storageEncryptionKeys),
      parseEncryptionKeyRing(tools.tokenEncryptionKeys),
    ]);
  });

  it('publishes ports on loopback only', () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:/);
  });
});
