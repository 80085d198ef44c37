import { Controller, Get, Header, Inject, Options, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TOOLS_CONFIG, type ToolsConfig } from '../app/tools-config';
import { buildProtectedResourceMetadata, type ProtectedResourceMetadata } from './protected-resource-metadata';

const PRM = 'oauth-protected-resource';

/**
 * RFC 9728 Protected Resource Metadata, at the path-suffixed URL that the 401 challenge names
 * (`/.well-known/oauth-protected-resource/mcp`, RFC 9728 §3.1) and at the root URL (clients of older MCP
 * revisions try it). Public and cacheable; `Access-Control-Allow-Origin: *` so browser-based clients can
 * discover the authorization server.
 */
@Controller('.well-known')
export class WellKnownController {
  private readonly document: ProtectedResourceMetadata;

  constructor(@Inject(TOOLS_CONFIG) config: ToolsConfig) {
    this.document = buildProtectedResourceMetadata(config);
  }

  @Get([PRM, `${PRM}/mcp`])
  @Header('cache-control', 'public, max-age=3600')
  @Header('access-control-allow-origin', '*')
  metadata(): ProtectedResourceMetadata {
    return this.document;
  }

  /** CORS preflight (the MCP SDK sends `MCP-Protocol-Version` with its discovery requests). */
  @Options([PRM, `${PRM}/mcp`])
  async preflight(@Res() reply: FastifyReply): Promise<void> {
    await reply
      .code(204)
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET, OPTIONS')
      .header('access-control-allow-headers', 'mcp-protocol-version')
      .header('access-control-max-age', '86400')
      .send();
  }
}
