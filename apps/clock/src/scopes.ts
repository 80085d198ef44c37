/**
 * The scopes this server enforces, as declared in its manifest (`mcp-server.json`): the gateway's registry grants
 * only these for this server's resource, namespaced `clock/<verb>` (docs/architecture.md#mcp-server-registry).
 * Tools name what they need from here; a test checks every one is in the manifest.
 */
export const SCOPES = {
  read: 'clock/read',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
