import { pathsOf, routeFor, ROUTES } from './routes';

describe('single-origin routing table (docs/architecture.md#topology)', () => {
  it.each([
    ['/authorize', 'auth-gateway'],
    ['/callback', 'auth-gateway'],
    ['/consent', 'auth-gateway'],
    ['/consent/approve', 'auth-gateway'],
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

  it.each(['/', '/health', '/tokens', '/authorize2', '/.well-known/jwks.json.bak', '/admin'])(
    '%s matches no service (not exposed at the edge)',
    (path) => {
      expect(routeFor(path)).toBeUndefined();
    },
  );

  it('no path pattern is claimed by two services', () => {
    const all = ROUTES.flatMap((r) => r.paths);
    expect(new Set(all).size).toBe(all.length);
    expect(pathsOf('mcp-tools')).toEqual(['/mcp*', '/.well-known/oauth-protected-resource*']);
  });
});
