import { TOKEN_ENDPOINT_AUTH_METHODS } from '@mcp-cognito/oauth';
import type { GatewayConfig } from '../config/gateway-config';

/**
 * RFC 8414 §2 authorization server metadata (`scopes_supported`: every registered MCP server's scopes). `issuer` is the configured string, byte-identical to
 * the JWT `iss`, the RFC 9207 `iss` parameter and the PRM `authorization_servers` entry.
 */
export function buildAuthorizationServerMetadata(config: GatewayConfig, scopes: readonly string[]): Record<string, unknown> {
  const issuer = config.issuer;
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    revocation_endpoint: `${issuer}/revoke`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: [...scopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    // RFC 7662, for registered resource servers only (HTTP Basic with the server's name and its own secret).
    introspection_endpoint: `${issuer}/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    // OAuth 2.1 / MCP: PKCE is mandatory and S256 is the only method.
    code_challenge_methods_supported: ['S256'],
    // RFC 9207: the authorization response carries `iss`.
    authorization_response_iss_parameter_supported: true,
    // MCP 2025-11-25: Client ID Metadata Documents (an https URL as client_id).
    client_id_metadata_document_supported: true,
    // RFC 8707 resource indicators; RFC 9068 JWT access tokens.
    resource_indicators_supported: true,
    service_documentation: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization',
  };
}
