/**
 * The single-origin path table (docs/architecture.md#topology): which service answers which path when the issuer and
 * the MCP resource share one origin. Defined once; CloudFront/ALB listener rules (infra) and the
 * local reverse proxy are both generated from it, so local and cloud route alike.
 */
export type ServiceName = 'auth-gateway' | 'mcp-tools';

export interface RouteRule {
  service: ServiceName;
  /** ALB-style path patterns: exact paths, or a prefix ending in `*`. */
  paths: readonly string[];
  /** ALB listener-rule priority (lower wins); rules never overlap, so order is informative only. */
  priority: number;
}

export const ROUTES: readonly RouteRule[] = [
  {
    service: 'auth-gateway',
    priority: 10,
    paths: [
      '/authorize',
      '/callback',
      '/consent*',
      '/token',
      '/register',
      '/revoke',
      '/introspect',
      '/.well-known/oauth-authorization-server*',
      '/.well-known/openid-configuration*',
      '/.well-known/jwks.json',
    ],
  },
  {
    service: 'mcp-tools',
    priority: 20,
    paths: ['/mcp*', '/.well-known/oauth-protected-resource*'],
  },
];

/** True when `path` (no query string) matches an ALB-style `pattern`. */
export function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/** The service that answers `path` in single-origin mode, or `undefined` (-> 404 at the edge). */
export function routeFor(path: string): ServiceName | undefined {
  const clean = path.split('?')[0] ?? path;
  return ROUTES.find((rule) => rule.paths.some((p) => pathMatches(p, clean)))?.service;
}

/** The path patterns of one service (ALB allows at most 5 values per condition: callers chunk). */
export function pathsOf(service: ServiceName): readonly string[] {
  return ROUTES.filter((r) => r.service === service).flatMap((r) => r.paths);
}
