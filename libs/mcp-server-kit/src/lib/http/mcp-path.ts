/**
 * Where the MCP endpoint is: the path of the configured resource URL (`MCP_RESOURCE`), `/mcp` or `/<server>/mcp`
 * when several servers share one origin. Every URL the server names is built from configuration, never from `Host`.
 */
export function mcpPathOf(resource: string): string {
  const { pathname, search, hash } = new URL(resource);
  if (!/^(\/[a-z0-9][a-z0-9-]*)?\/mcp$/.test(pathname) || search !== '' || hash !== '') {
    throw new Error(`MCP_RESOURCE must be <origin>/mcp or <origin>/<server name>/mcp (no query, no fragment, no trailing slash); got ${resource}`);
  }
  return pathname;
}

/** True for the MCP path and anything below it, whatever the method and query: the gate covers all of them. */
export function isUnder(path: string, url: string): boolean {
  const q = url.indexOf('?');
  const p = q === -1 ? url : url.slice(0, q);
  return p === path || p.startsWith(`${path}/`);
}

/** True for a request to the MCP path, by the raw URL or the matched route (the router decodes `%6Dcp` to `mcp`). */
export function isMcpRequest(path: string, request: { url: string; routeOptions: { url?: string } }): boolean {
  const route = request.routeOptions.url;
  return isUnder(path, request.url) || (route !== undefined && isUnder(path, route));
}
