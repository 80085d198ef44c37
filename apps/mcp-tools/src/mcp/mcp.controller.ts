import { Controller, Delete, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@mcp-cognito/tokens';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { MCP_PATH } from '../auth/mcp-path';
import { McpServerFactory } from './mcp-server.factory';
import { OperationScopes } from './operation-scopes';
import { missingScopes } from './scopes';

/**
 * Streamable HTTP (MCP transport spec), stateless: no `Mcp-Session-Id`, a fresh server and transport per
 * POST, JSON answers instead of SSE. Every request here has passed {@link McpRequestGate} already.
 */
@Controller(MCP_PATH.slice(1))
export class McpController {
  private readonly logger = new Logger('Mcp');

  constructor(
    private readonly factory: McpServerFactory,
    private readonly scopes: OperationScopes,
    private readonly gate: McpRequestGate,
  ) {}

  @Post()
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const principal = request.principal as Principal;

    // RFC 6750 §3.1 + MCP step-up authorization: decided from the body the SDK will get, before it runs.
    const required = this.scopes.requiredFor(request.body);
    const missing = missingScopes(required, principal.scopes);
    if (missing.length > 0) {
      this.logger.warn({ event: 'mcp.insufficient_scope', sub: principal.sub, required, missing }, 'insufficient scope');
      await reply
        .code(403)
        .header('www-authenticate', this.gate.challenges.insufficientScope(required))
        .header('cache-control', 'no-store')
        .type('application/json')
        .send({ error: 'insufficient_scope', error_description: `This operation needs the scope(s): ${required.join(' ')}` });
      return;
    }

    reply.hijack();
    const server = this.factory.create(principal);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (err) {
      this.logger.error({ event: 'mcp.request_failed', err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
      }
    }
  }

  /** No standalone SSE stream in stateless mode (transport spec: GET may answer 405). */
  @Get()
  get(@Res() reply: FastifyReply): Promise<void> {
    return methodNotAllowed(reply);
  }

  /** No session to end in stateless mode. */
  @Delete()
  delete(@Res() reply: FastifyReply): Promise<void> {
    return methodNotAllowed(reply);
  }
}

async function methodNotAllowed(reply: FastifyReply): Promise<void> {
  await reply
    .code(405)
    .header('allow', 'POST')
    .type('application/json')
    .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
}
