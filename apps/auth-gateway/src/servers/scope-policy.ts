import type { McpServerRegistration } from '@mcp-cognito/contracts';

/** What Cognito said about the user in its access token. */
export interface UpstreamGrant {
  /** The Cognito token's `scope`. */
  scopes: readonly string[];
  /** The Cognito token's `cognito:groups`. */
  groups: readonly string[];
}

/**
 * The scopes of `requested` that the user may have on `server` (docs/architecture.md, "Many MCP servers"): each must
 * be one of the server's; a scope with `scopeGroups` needs membership of one of its groups; for a `cognito`-sourced
 * server Cognito must also have granted it. Applied at sign-in and again at every upstream refresh, so a user removed
 * from a group or a Cognito scope loses the scope at the next refresh.
 */
export function grantableScopes(server: McpServerRegistration, requested: readonly string[], upstream: UpstreamGrant): string[] {
  return requested.filter((scope) => {
    if (!Object.hasOwn(server.scopes, scope)) return false;
    const groups = server.scopeGroups?.[scope];
    if (groups !== undefined && !groups.some((g) => upstream.groups.includes(g))) return false;
    return server.scopeSource !== 'cognito' || upstream.scopes.includes(scope);
  });
}

/** The scopes the gateway asks Cognito for: identity, plus the requested scopes of a `cognito`-sourced server. */
export function upstreamScopesFor(server: McpServerRegistration | undefined, requested: readonly string[]): string[] {
  return ['openid', 'email', 'profile', ...(server?.scopeSource === 'cognito' ? requested : [])];
}
