import type { ToolsConfig } from '../app/tools-config';

/** RFC 9728 §2 Protected Resource Metadata of this MCP server. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_name: string;
}

/**
 * - `resource`: byte-identical to MCP_RESOURCE (RFC 9728 §3.3: clients compare it with the URL they used);
 * - `authorization_servers`: the one issuer string (docs/architecture.md#invariants);
 * - `bearer_methods_supported`: header only (RFC 6750 §2.1; query and body are refused).
 */
export function buildProtectedResourceMetadata(config: ToolsConfig): ProtectedResourceMetadata {
  return {
    resource: config.resource,
    authorization_servers: [config.gateway.issuer],
    scopes_supported: [...config.scopes],
    bearer_methods_supported: ['header'],
    resource_name: 'MCP tools (notes)',
  };
}
