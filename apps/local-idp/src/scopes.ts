/**
 * Scopes local-idp knows. `mcp-server/*` mirror the Cognito resource server (identifier `mcp-server`) that
 * infra/ creates; Cognito writes custom scopes as `<resource server id>/<scope>`.
 */
export const OIDC_SCOPES = ['openid', 'email', 'profile'] as const;
export const CUSTOM_SCOPES = ['mcp-server/read', 'mcp-server/write'] as const;
export const SUPPORTED_SCOPES: readonly string[] = [
  ...OIDC_SCOPES,
  ...CUSTOM_SCOPES,
];
