import { Controller, Get, Header, Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { McpServerRegistry } from '../servers/mcp-server-registry';
import { buildAuthorizationServerMetadata } from './authorization-server-metadata';

/**
 * Discovery: RFC 8414 metadata (also at the OIDC-style path that some MCP clients try first) and the
 * public JWKS. The issuer has no path, so the path-inserted forms coincide with these.
 */
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    private readonly servers: McpServerRegistry,
  ) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  authorizationServer() {
    return this.metadata();
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  openidConfiguration() {
    return this.metadata();
  }

  /** Built per request: `scopes_supported` follows the registry as servers come and go. */
  private metadata(): Record<string, unknown> {
    return buildAuthorizationServerMetadata(this.config, this.servers.allScopes());
  }

  /** Public keys only (active, next and retired: rotation overlap, docs/architecture.md#tokens). */
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  jwks() {
    return this.keys.signingKeys.publicJwks;
  }
}
