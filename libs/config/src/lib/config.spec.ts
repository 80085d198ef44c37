import { ConfigError } from './config-error';
import { loadGatewayConfig } from './gateway.config';
import { loadMcpServerConfig } from './mcp-server.config';

const jwks = JSON.stringify({ keys: [{ kty: 'oct', k: 'x', kid: 'k1' }] });

const gatewayEnv = (): NodeJS.ProcessEnv => ({
  COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
  COGNITO_CLIENT_ID: 'gateway-client',
  COGNITO_CLIENT_SECRET: 'upstream-secret',
  COGNITO_DOMAIN: 'myapp.auth.eu-west-1.amazoncognito.com',
  GATEWAY_ISSUER: 'https://mcp.example.com',
  MCP_RESOURCES: 'https://mcp.example.com/mcp',
  GATEWAY_SIGNING_KEYS: jwks,
  TOKEN_ENCRYPTION_KEYS: jwks,
  STORAGE_ENCRYPTION_KEYS: jwks,
  COOKIE_SECRET: 'c'.repeat(32),
  REFRESH_TOKEN_KEYS: jwks,
});

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration is parsed once, with every problem reported together', () => {
  it('derives the Cognito URLs from the seed variables (COGNITO_USER_POOL_ID, COGNITO_DOMAIN)', () => {
    const config = loadGatewayConfig(gatewayEnv());
    expect(config.cognito.region).toBe('eu-west-1');
    expect(config.cognito.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123');
    expect(config.cognito.jwksUrl).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json');
    expect(config.cognito.authorizeUrl).toBe('https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(config.cognito.tokenUrl).toBe('https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(config.runtime.port).toBe(3000);
    expect(config.http.secureCookies).toBe(true);
  });

  it('lets COGNITO_ISSUER point the issuer and JWKS at local-idp', () => {
    const config = loadGatewayConfig({
      ...gatewayEnv(),
      COGNITO_USER_POOL_ID: 'local_devpool',
      COGNITO_DOMAIN: 'http://127.0.0.1:9000',
      COGNITO_ISSUER: 'http://127.0.0.1:9000/local_devpool',
      COGNITO_REGION: 'us-east-1',
    });
    expect(config.cognito.issuer).toBe('http://127.0.0.1:9000/local_devpool');
    expect(config.cognito.jwksUrl).toBe('http://127.0.0.1:9000/local_devpool/.well-known/jwks.json');
    expect(config.cognito.authorizeUrl).toBe('http://127.0.0.1:9000/oauth2/authorize');
  });

  it('COGNITO_CLIENT_SECRET holds one secret, or two during a rotation (new first), and never shows them in a problem', () => {
    expect(loadGatewayConfig(gatewayEnv()).cognito.clientSecrets).toEqual(['upstream-secret']);
    expect(loadGatewayConfig({ ...gatewayEnv(), COGNITO_CLIENT_SECRET: 'new+secret, old+secret' }).cognito.clientSecrets).toEqual([
      'new+secret',
      'old+secret',
    ]);
    const problems = problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), COGNITO_CLIENT_SECRET: 'aaa-secret,bbb-secret,ccc-secret' }));
    expect(problems.join('\n')).toContain('COGNITO_CLIENT_SECRET');
    expect(problems.join('\n')).not.toContain('aaa-secret');
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), COGNITO_CLIENT_SECRET: 'one,' })).join('\n')).toContain('COGNITO_CLIENT_SECRET');
  });

  it('reports every missing or invalid variable in one error, naming variables but never values', () => {
    const secret = 'not-a-url-but-a-secret-value';
    const problems = problemsOf(() =>
      loadGatewayConfig({ GATEWAY_ISSUER: secret, PORT: '70000', SECURE_COOKIES: 'maybe' }),
    );
    const text = problems.join('\n');
    for (const name of [
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'COGNITO_CLIENT_SECRET',
      'COGNITO_DOMAIN',
      'GATEWAY_ISSUER',
      'MCP_RESOURCES',
      'GATEWAY_SIGNING_KEYS',
      'TOKEN_ENCRYPTION_KEYS',
      'STORAGE_ENCRYPTION_KEYS',
      'COOKIE_SECRET',
      'PORT',
      'SECURE_COOKIES',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain(secret);
  });

  it('MCP_SERVERS: registrations are checked (libs/contracts), and one resource cannot be registered twice', () => {
    const clock = { name: 'clock', title: 'Clock', path: '/clock/mcp', resource: 'https://mcp.example.com/clock/mcp', scopes: { 'clock/read': 'Read the time' } };
    const config = loadGatewayConfig({ ...gatewayEnv(), MCP_SERVERS: JSON.stringify([clock]) });
    expect(config.servers.static.map((s) => [s.name, s.resource])).toEqual([
      ['clock', 'https://mcp.example.com/clock/mcp'],
      ['mcp', 'https://mcp.example.com/mcp'],
    ]);
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), MCP_SERVERS: '{"name":' }))[0]).toMatch(/^MCP_SERVERS /);
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), MCP_SERVERS: JSON.stringify([{ ...clock, path: '/x/mcp' }]) }))[0]).toMatch(/^MCP_SERVERS \[0\]: "path"/);
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), MCP_SERVERS: JSON.stringify([{ ...clock, resource: 'https://mcp.example.com/mcp', path: '/mcp' }]) }))[0]).toMatch(/registered twice/);
    expect(loadGatewayConfig({ ...gatewayEnv(), MCP_RESOURCES: '', MCP_SERVER_REGISTRY_PATH: '/mcp-cognito/prod/mcp-servers/' }).servers).toMatchObject({ static: [], registryPath: '/mcp-cognito/prod/mcp-servers/' });
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), MCP_RESOURCES: '' }))).toEqual([expect.stringMatching(/at least one MCP server/)]);
  });

  it('refuses plain http for a non-loopback issuer (OAuth 2.1 §1.5) but allows it on loopback', () => {
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), GATEWAY_ISSUER: 'http://mcp.example.com' }))).toEqual([
      'GATEWAY_ISSUER must use https (http is allowed only for loopback hosts)',
    ]);
    const local = loadGatewayConfig({ ...gatewayEnv(), GATEWAY_ISSUER: 'http://127.0.0.1:3000/' });
    expect(local.issuer).toBe('http://127.0.0.1:3000');
    expect(local.http.secureCookies).toBe(false);
  });

  it('treats http://localhost.evil.com as a non-loopback host', () => {
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), GATEWAY_ISSUER: 'http://localhost.evil.com' }))).toHaveLength(1);
  });

  it('rejects key material that is not a JWK Set', () => {
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), GATEWAY_SIGNING_KEYS: '{"keys":[]}' }))).toEqual([
      'GATEWAY_SIGNING_KEYS must be a JSON JWK Set: {"keys":[...]} with at least one key',
    ]);
  });

  it('rejects a resource list with an invalid entry', () => {
    const problems = problemsOf(() =>
      loadGatewayConfig({ ...gatewayEnv(), MCP_RESOURCES: 'https://mcp.example.com/mcp,ftp://x' }),
    );
    expect(problems[0]).toMatch(/^MCP_RESOURCES "ftp:\/\/x"/);
  });

  it('treats empty strings as unset (compose files pass VAR=)', () => {
    const config = loadGatewayConfig({ ...gatewayEnv(), PORT: '', LOG_LEVEL: '' });
    expect(config.runtime.port).toBe(3000);
    expect(config.runtime.logLevel).toBe('info');
  });

  it('serving defaults outlast an ALB idle timeout (65 s) and drain within the grace', () => {
    const config = loadGatewayConfig(gatewayEnv());
    expect(config.runtime).toMatchObject({ keepAliveTimeoutMs: 75_000, shutdownGraceMs: 10_000, shutdownAnnounceMs: 0 });
    expect(config.runtime.keepAliveTimeoutMs).toBeGreaterThan(65_000);
    // the announce phase is part of the grace, never longer
    const capped = loadGatewayConfig({ ...gatewayEnv(), SHUTDOWN_GRACE_MS: '2000', SHUTDOWN_ANNOUNCE_MS: '5000' });
    expect(capped.runtime).toMatchObject({ shutdownGraceMs: 2_000, shutdownAnnounceMs: 2_000 });
    expect(problemsOf(() => loadGatewayConfig({ ...gatewayEnv(), HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' }))).toEqual([
      'HTTP_KEEP_ALIVE_TIMEOUT_MS must be between 1000 and 600000',
    ]);
  });

  it('parses the tools service environment with its own defaults', () => {
    const config = loadMcpServerConfig('mcp-tools', {
      COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      COGNITO_CLIENT_ID: 'gateway-client',
      COGNITO_DOMAIN: 'https://auth.example.com',
      MCP_RESOURCE: 'https://mcp.example.com/mcp',
      GATEWAY_ISSUER: 'https://mcp.example.com',
      TOKEN_ENCRYPTION_KEYS: jwks,
      ALLOWED_ORIGINS: 'https://claude.ai, https://app.example.com',
    });
    expect(config.runtime.port).toBe(3001);
    expect(config.gateway.jwksUrl).toBe('https://mcp.example.com/.well-known/jwks.json');
    expect(config.allowedOrigins).toEqual(['https://claude.ai', 'https://app.example.com']);
    expect(config.scopes).toEqual(['mcp-server/read', 'mcp-server/write']);
    expect(config.dynamodb).toEqual({ region: 'us-east-1', tableName: 'mcp-cognito', endpoint: undefined, createTable: false });
    // docs/architecture.md#revocation: a 5 s poll keeps the bound under 10 s; 30 s of fail-open, then 503.
    expect(config.revocation).toEqual({ pollMs: 5000, failOpenMs: 30_000 });
  });

  it('revocation settings: set, and bounded (a poll faster than 0.5 s or slower than a minute is refused)', () => {
    const base = {
      COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      COGNITO_CLIENT_ID: 'gateway-client',
      COGNITO_DOMAIN: 'https://auth.example.com',
      MCP_RESOURCE: 'https://mcp.example.com/mcp',
      GATEWAY_ISSUER: 'https://mcp.example.com',
      TOKEN_ENCRYPTION_KEYS: jwks,
    };
    expect(loadMcpServerConfig('mcp-tools', { ...base, REVOCATION_POLL_MS: '2000', REVOCATION_FAIL_OPEN_MS: '0' }).revocation).toEqual({ pollMs: 2000, failOpenMs: 0 });
    expect(() => loadMcpServerConfig('mcp-tools', { ...base, REVOCATION_POLL_MS: '100' })).toThrow(/REVOCATION_POLL_MS/);
    expect(() => loadMcpServerConfig('mcp-tools', { ...base, REVOCATION_POLL_MS: '120000' })).toThrow(/REVOCATION_POLL_MS/);
    expect(() => loadMcpServerConfig('mcp-tools', { ...base, REVOCATION_FAIL_OPEN_MS: '-1' })).toThrow(/REVOCATION_FAIL_OPEN_MS/);
  });
});

describe('secrets as files (<NAME>_FILE, the Docker and Kubernetes convention)', () => {
  const { mkdtempSync, writeFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { join } = jest.requireActual<typeof import('node:path')>('node:path');
  const { tmpdir } = jest.requireActual<typeof import('node:os')>('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'config-file-vars-'));

  it('reads a declared variable from the file its _FILE names, without the trailing line break', () => {
    const path = join(dir, 'cookie-secret');
    writeFileSync(path, `${'s'.repeat(40)}\n`);
    const env = { ...gatewayEnv(), COOKIE_SECRET: undefined, COOKIE_SECRET_FILE: path };
    expect(loadGatewayConfig(env).keys.cookieSecret).toBe('s'.repeat(40));
  });

  it('reports an unreadable file and a variable set both ways, with every other problem, and never the value', () => {
    const env = { ...gatewayEnv(), COOKIE_SECRET_FILE: join(dir, 'missing'), TOKEN_ENCRYPTION_KEYS_FILE: join(dir, 'missing'), TOKEN_ENCRYPTION_KEYS: undefined, PORT: 'x' };
    const problems = problemsOf(() => loadGatewayConfig(env));
    expect(problems).toEqual(
      expect.arrayContaining([
        'COOKIE_SECRET and COOKIE_SECRET_FILE are both set (set one)',
        `TOKEN_ENCRYPTION_KEYS_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
        'PORT must be a whole number',
      ]),
    );
    expect(problems.join('\n')).not.toContain('c'.repeat(32));
  });
});
