import { Controller, Delete, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import { StatelessJsonTransport } from './stateless-json-transport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@mcp-cognito/tokens';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { MCP_PATH } from '../auth/mcp-path';
import { McpServerFactory } from './mcp-server.factory';
import { OperationScopes } from './operation-scopes';
import { missingScopes } from './scopes';

/**
 * Streamable HTTP (MCP transport spec), stateless: no `Mcp-Session-Id`, a fresh SDK server and in-process transport per
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

    // The checks StreamableHTTPServerTransport makes (same statuses and JSON-RPC errors).
    const accept = request.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return jsonRpcError(reply, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(request.headers['content-type'])) {
      return jsonRpcError(reply, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const version = request.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return jsonRpcError(reply, 400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
    }
    const raw = request.body;
    let messages: JSONRPCMessage[];
    try {
      messages = (Array.isArray(raw) ? raw : [raw]).map((m) => JSONRPCMessageSchema.parse(m));
    } catch {
      return jsonRpcError(reply, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    }
    const expected = StatelessJsonTransport.requestCount(messages);
    const server = this.factory.create(principal);
    const transport = new StatelessJsonTransport(expected);
    try {
      await server.connect(transport);
      transport.deliver(messages, { requestInfo: { headers: request.headers } });
      if (expected === 0) {
        await reply.code(202).send();
        return;
      }
      const responses = await transport.done;
      await reply.code(200).type('application/json').send(JSON.stringify(Array.isArray(raw) ? responses : responses[0]));
    } catch (err) {
      this.logger.error({ event: 'mcp.request_failed', err }, 'MCP request failed');
      if (!reply.sent) await jsonRpcError(reply, 500, -32603, 'Internal error');
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

async function jsonRpcError(reply: FastifyReply, status: number, code: number, message: string): Promise<void> {
  await reply.code(status).type('application/json').send({ jsonrpc: '2.0', error: { code, message }, id: null });
}
