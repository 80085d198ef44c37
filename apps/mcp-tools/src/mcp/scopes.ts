/**
 * The scopes of the Cognito resource server `mcp-server` that this service enforces (docs/architecture.md#tokens).
 * Tools and resources name what they need from here; the 401 challenge and the Protected Resource
 * Metadata advertise `config.scopes` (MCP_SCOPES), which lists these by default.
 */
export const SCOPES = {
  read: 'mcp-server/read',
  write: 'mcp-server/write',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
