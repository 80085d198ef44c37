import { buildRoutes, mcpServerPriority, pathsOf, routeFor, ROUTES } from './routes';

describe('single-origin routing table (docs/architecture.md#topology)', () => {
  it.each([
    ['/authorize', 'auth-gateway'],
    ['/callback', 'auth-gateway'],
    ['/consent', 'auth-gateway'],
    ['/consent/approve', 'auth-gateway'],
    ['/account', 'auth-gateway'],
    ['/account/revoke', 'auth-gateway'],
    ['/token', 'auth-gateway'],
    ['/register', 'auth-gateway'],
    ['/revoke', 'auth-gateway'],
    ['/.well-known/oauth-authorization-server', 'auth-gateway'],
    ['/.well-known/oauth-authorization-server/tenant', 'auth-gateway'],
    ['/.well-known/openid-configuration', 'auth-gateway'],
    ['/.well-known/jwks.json', 'auth-gateway'],
    ['/mcp', 'mcp-tools'],
    ['/mcp/', 'mcp-tools'],
    ['/.well-known/oauth-protected-resource', 'mcp-tools'],
    ['/.well-known/oauth-protected-resource/mcp', 'mcp-tools'],
    ['/token?x=1', 'auth-gateway'],
  ])('%s is served by %s', (path, service) => {
    expect(routeFor(path)).toBe(service);
  });

  it.each(['/', '/health', '/tokens', '/authorize2', '/.well-known/jwks.json.bak', '/admin', '/accounts'])(
    '%s matches no service (not exposed at the edge)',
    (path) => {
      expect(routeFor(path)).toBeUndefined();
    },
  );

  it('no path pattern is claimed by two services', () => {
    const all = ROUTES.flatMap((r) => r.paths);
    expect(new Set(all).size).toBe(all.length);
    expect(pathsOf('mcp-tools')).toEqual(['/mcp', '/mcp/*', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']);
  });
});

describe('many MCP servers on one origin (RFC 9728 §3.1 path-suffixed metadata)', () => {
  const routes = buildRoutes([
    { name: 'mcp-tools', path: '/mcp' },
    { name: 'clock', path: '/clock/mcp' },
    { name: 'mcpx', path: '/mcpx/mcp' },
  ]);

  it.each([
    ['/clock/mcp', 'clock'],
    ['/clock/mcp/', 'clock'],
    ['/.well-known/oauth-protected-resource/clock/mcp', 'clock'],
    ['/mcpx/mcp', 'mcpx'],
    ['/mcp', 'mcp-tools'],
    ['/.well-known/oauth-protected-resource', 'mcp-tools'],
    ['/.well-known/oauth-protected-resource/mcp', 'mcp-tools'],
    ['/authorize', 'auth-gateway'],
  ])('%s is served by %s', (path, service) => {
    expect(routeFor(path, routes)).toBe(service);
  });

  it.each(['/clock', '/clock/mcpx', '/.well-known/oauth-protected-resource/clock', '/.well-known/oauth-protected-resource/other/mcp', '/mcpfoo'])(
    '%s matches no service',
    (path) => {
      expect(routeFor(path, routes)).toBeUndefined();
    },
  );

  it('a server priority depends on its name only: adding another server moves no one', () => {
    const alone = buildRoutes([{ name: 'clock', path: '/clock/mcp' }]).find((r) => r.service === 'clock');
    expect(routes.find((r) => r.service === 'clock')?.priority).toBe(alone?.priority);
    expect(mcpServerPriority({ name: 'mcp-tools', path: '/mcp' })).toBe(20);
    expect(mcpServerPriority({ name: 'clock', path: '/clock/mcp' })).toBeGreaterThanOrEqual(100);
    expect(mcpServerPriority({ name: 'clock', path: '/clock/mcp' })).toBeLessThanOrEqual(50000);
  });

  it('refuses a server whose paths another service already claims, and two servers with one name', () => {
    expect(() => buildRoutes([{ name: 'consent', path: '/consent/mcp' }])).toThrow('claim the same paths');
    expect(() => buildRoutes([{ name: 'mcp', path: '/mcp/mcp' }, { name: 'mcp-tools', path: '/mcp' }])).toThrow('claim the same paths');
    expect(() => buildRoutes([{ name: 'clock', path: '/clock/mcp' }, { name: 'clock', path: '/clock/mcp' }])).toThrow('two MCP servers are named clock');
  });
});
