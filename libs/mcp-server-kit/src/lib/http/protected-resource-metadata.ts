import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { protectedResourceMetadataUrl } from '@mcp-cognito/oauth';
import { MCP_SERVER_CONFIG, MCP_SERVER_DEFINITION, type McpServerConfig } from '../app/tokens';
import type { McpServerDefinition } from '../app/server-definition';

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
export function buildProtectedResourceMetadata(config: McpServerConfig, name: string): ProtectedResourceMetadata {
  return {
    resource: config.resource,
    authorization_servers: [config.gateway.issuer],
    scopes_supported: [...config.scopes],
    bearer_methods_supported: ['header'],
    resource_name: name,
  };
}

/**
 * Serves the metadata at the path-suffixed URL the 401 challenge names (`/.well-known/oauth-protected-resource/mcp`
 * or `.../<server>/mcp`, RFC 9728 §3.1) and, for the server at `/mcp`, also at the root URL (clients of older MCP
 * revisions try it; on a shared origin only one server can own it). Public and cacheable; CORS `*` so browser-based
 * clients can discover the authorization server.
 */
@Injectable()
export class ProtectedResourceMetadataRoute implements OnModuleInit {
  constructor(
    @Inject(MCP_SERVER_CONFIG) private readonly config: McpServerConfig,
    @Inject(MCP_SERVER_DEFINITION) private readonly definition: McpServerDefinition<unknown>,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const document = JSON.stringify(buildProtectedResourceMetadata(this.config, this.definition.title ?? this.definition.info.name));
    const suffixed = new URL(protectedResourceMetadataUrl(this.config.resource)).pathname;
    const paths = new URL(this.config.resource).pathname === '/mcp' ? [suffixed, '/.well-known/oauth-protected-resource'] : [suffixed];
    for (const url of paths) {
      fastify.get(url, (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*').type('application/json').send(document);
      });
      // CORS preflight (MCP SDK clients send `MCP-Protocol-Version` with their discovery requests).
      fastify.options(url, (_request, reply) => {
        void reply
          .code(204)
          .header('access-control-allow-origin', '*')
          .header('access-control-allow-methods', 'GET, OPTIONS')
          .header('access-control-allow-headers', 'mcp-protocol-version')
          .header('access-control-max-age', '86400')
          .send();
      });
    }
  }
}
