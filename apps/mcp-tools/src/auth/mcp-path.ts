/** The MCP endpoint. `MCP_RESOURCE` must name it (checked at startup, see `assertResourceIsMcpEndpoint`). */
export const MCP_PATH = '/mcp';

/** True for `/mcp` and anything below it, whatever the method and query: the gate covers all of them. */
export function isMcpPath(url: string): boolean {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path === MCP_PATH || path.startsWith(`${MCP_PATH}/`);
}

/** True for a request to {@link isMcpPath}, by the raw URL or the matched route (the router decodes `%6Dcp` to `mcp`). */
export function isMcpRequest(request: { url: string; routeOptions: { url?: string } }): boolean {
  const route = request.routeOptions.url;
  return isMcpPath(request.url) || (route !== undefined && isMcpPath(route));
}

/**
 * This service serves MCP at {@link MCP_PATH}; a resource URL with another path would send clients
 * (and the `resource_metadata` URL) somewhere nothing answers, so such a configuration is refused.
 */
export function assertResourceIsMcpEndpoint(resource: string): void {
  const { pathname, search, hash } = new URL(resource);
  if (pathname !== MCP_PATH || search !== '' || hash !== '') {
    throw new Error(`MCP_RESOURCE must be <origin>${MCP_PATH} (no query, no fragment, no trailing slash); got ${resource}`);
  }
}
