/**
 * The single-origin path table (docs/architecture.md#topology): which service answers which path when the issuer and
 * every MCP server share one origin. Defined once; the ALB listener rules (infra) and the local reverse proxy are both
 * generated from it, so local and cloud route alike. The gateway's paths are fixed; each MCP server's come from its
 * manifest (`apps/<name>/mcp-server.json`, libs/contracts): its endpoint and its RFC 9728 §3.1 metadata path.
 */

/** The services the dashboards know by name (the gateway and the first MCP server). */
export type ServiceName = 'auth-gateway' | 'mcp-tools';

/** The gateway, or an MCP server by its manifest name. */
export type RouteService = ServiceName | (string & {});

export interface RouteRule {
  service: RouteService;
  /** ALB-style path patterns: exact paths, or a prefix ending in `*`. */
  paths: readonly string[];
  /** ALB listener-rule priority of the route's first rule (lower wins); routes never overlap, so order is informative only. */
  priority: number;
}

/** An MCP server as routing needs it (a subset of libs/contracts `McpServerManifest`). */
export interface RoutedMcpServer {
  readonly name: string;
  /** `/mcp` (the first server) or `/<name>/mcp`. */
  readonly path: string;
}

export const GATEWAY_ROUTE: RouteRule = {
  service: 'auth-gateway',
  priority: 10,
  paths: [
    '/authorize',
    '/callback',
    '/consent*',
    // The connected-clients page and its forms (docs/architecture.md#revocation).
    '/account',
    '/account/*',
    '/token',
    '/register',
    '/revoke',
    '/introspect',
    '/.well-known/oauth-authorization-server*',
    '/.well-known/openid-configuration*',
    '/.well-known/jwks.json',
  ],
};

/** RFC 9728 §3.1: the metadata of the resource at `path` is at this prefix + `path`. */
export const PRM_PREFIX = '/.well-known/oauth-protected-resource';

/** Priority of the server at `/mcp`: right after the gateway, as before there were several servers. */
export const ROOT_MCP_SERVER_PRIORITY = 20;
/** Other servers' priorities: `base + step * (hash(name) mod slots)`, inside the ALB's 1..50000. */
export const MCP_SERVER_PRIORITY = { base: 100, step: 10, slots: 4990 } as const;

/** FNV-1a, 32 bits: a stable, dependency-free hash of a server name (not a security function). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A server's listener-rule priority, derived from its name alone: adding or removing another server never moves it,
 * so no other server's stack changes (docs/architecture.md#mcp-server-registry). Two names may land on one slot;
 * {@link buildRoutes} refuses that at synth, and renaming one of them is the fix.
 */
export function mcpServerPriority(server: RoutedMcpServer): number {
  if (server.path === '/mcp') return ROOT_MCP_SERVER_PRIORITY;
  return MCP_SERVER_PRIORITY.base + MCP_SERVER_PRIORITY.step * (fnv1a(server.name) % MCP_SERVER_PRIORITY.slots);
}

/**
 * The paths of an MCP server: its endpoint (and anything under it: the kit's gate answers those) and its metadata at
 * the path-suffixed well-known URL. The server at `/mcp` also owns the bare well-known URL (clients of older MCP
 * revisions try it; only one server per origin can). Exact paths and `/…/*` prefixes only, so no server's patterns
 * can reach another's (`/mcp*` would also match `/mcpx/mcp`).
 */
export function mcpServerPaths(server: RoutedMcpServer): string[] {
  const paths = [server.path, `${server.path}/*`, `${PRM_PREFIX}${server.path}`];
  return server.path === '/mcp' ? [...paths, PRM_PREFIX] : paths;
}

/** The route of one MCP server. */
export function mcpServerRoute(server: RoutedMcpServer): RouteRule {
  return { service: server.name, priority: mcpServerPriority(server), paths: mcpServerPaths(server) };
}

/** True when `path` (no query string) matches an ALB-style `pattern`. */
export function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/** True when some path matches both patterns. */
function overlaps(a: string, b: string): boolean {
  const prefix = (p: string) => (p.endsWith('*') ? p.slice(0, -1) : undefined);
  const [pa, pb] = [prefix(a), prefix(b)];
  if (pa !== undefined && pb !== undefined) return pa.startsWith(pb) || pb.startsWith(pa);
  if (pa !== undefined) return b.startsWith(pa);
  if (pb !== undefined) return a.startsWith(pb);
  return a === b;
}

/**
 * The whole table: the gateway's route and one per MCP server. Refuses two servers with one name or one priority,
 * and any path two services could both claim (e.g. a server named `consent`, whose `/consent/mcp` is the gateway's).
 */
export function buildRoutes(servers: readonly RoutedMcpServer[]): RouteRule[] {
  const routes = [GATEWAY_ROUTE, ...servers.map(mcpServerRoute)];
  for (let i = 0; i < routes.length; i++) {
    for (let j = i + 1; j < routes.length; j++) {
      const [a, b] = [routes[i] as RouteRule, routes[j] as RouteRule];
      if (a.service === b.service) throw new Error(`two MCP servers are named ${a.service}`);
      if (a.priority === b.priority) throw new Error(`${a.service} and ${b.service} have the same listener-rule priority ${a.priority}: rename one of them`);
      for (const pa of a.paths) {
        for (const pb of b.paths) if (overlaps(pa, pb)) throw new Error(`${a.service} (${pa}) and ${b.service} (${pb}) claim the same paths`);
      }
    }
  }
  return routes;
}

/** The table with the first MCP server alone (what callers that know no manifests route by). */
export const ROUTES: readonly RouteRule[] = buildRoutes([{ name: 'mcp-tools', path: '/mcp' }]);

/** The service that answers `path` in single-origin mode, or `undefined` (-> 404 at the edge). */
export function routeFor(path: string, routes: readonly RouteRule[] = ROUTES): RouteService | undefined {
  const clean = path.split('?')[0] ?? path;
  return routes.find((rule) => rule.paths.some((p) => pathMatches(p, clean)))?.service;
}

/** The path patterns of one service (ALB allows at most 5 values per condition: callers chunk). */
export function pathsOf(service: RouteService, routes: readonly RouteRule[] = ROUTES): readonly string[] {
  return routes.filter((r) => r.service === service).flatMap((r) => r.paths);
}
