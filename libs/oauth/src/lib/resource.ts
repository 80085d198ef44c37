/**
 * RFC 8707 §2: `resource` is an absolute URI without a fragment. The MCP spec makes the canonical
 * server URI the resource (no trailing slash); matching is exact against the configured resources,
 * after removing a single trailing slash that some clients add.
 */
export function matchResource(requested: unknown, configured: readonly string[]): string | undefined {
  if (typeof requested !== 'string' || requested.length === 0 || requested.length > 2000) return undefined;
  if (requested.includes('#')) return undefined;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const normalized = requested.endsWith('/') ? requested.slice(0, -1) : requested;
  return configured.find((r) => r === normalized);
}
