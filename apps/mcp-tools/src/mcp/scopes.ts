/**
 * The scopes of the Cognito resource server `mcp-server` that this service enforces (DESIGN §3).
 * Tools and resources name what they need from here; the 401 challenge and the Protected Resource
 * Metadata advertise `config.scopes` (MCP_SCOPES), which lists these by default.
 */
export const SCOPES = {
  read: 'mcp-server/read',
  write: 'mcp-server/write',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** The scopes in `required` that `granted` lacks (RFC 6750 §3.1 `insufficient_scope`). */
export function missingScopes(required: readonly string[], granted: readonly string[]): string[] {
  return required.filter((s) => !granted.includes(s));
}
