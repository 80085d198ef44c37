/**
 * The scopes this server enforces: the Cognito resource server `mcp-server` (docs/architecture.md#tokens). Tools and
 * resources name what they need from here; the 401 challenge and the Protected Resource Metadata advertise
 * `MCP_SCOPES`, which lists these by default.
 */
export const SCOPES = {
  read: 'mcp-server/read',
  write: 'mcp-server/write',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
