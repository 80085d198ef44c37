import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@mcp-cognito/tokens';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { MCP_PATH } from '../auth/mcp-path';
import { McpServerHost } from './mcp-server.host';
import { OperationScopes } from './operation-scopes';
import { InsufficientScope, scopesOutside } from '@mcp-cognito/oauth';

/**
 * `/mcp`: Streamable HTTP (MCP transport spec), stateless - no `Mcp-Session-Id`, JSON answers instead of SSE.
 * Every POST's requests go to the process's one SDK server ({@link McpServerHost}) with the caller attached.
 *
 * The hot path of the product, so it is a fastify route of its own rather than a Nest controller: every tool
 * call skips Nest's router (see also the service's `RequestLog`).
 * {@link McpRequestGate} has run before anything here (Origin, bearer token).
 */
@Injectable()
export class McpEndpoint implements OnModuleInit {
  private readonly logger = new Logger('Mcp');

  constructor(
    private readonly host: McpServerHost,
    private readonly scopes: OperationScopes,
    private readonly gate: McpRequestGate,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post(MCP_PATH, (request, reply) => this.post(request, reply));
    // No standalone SSE stream and no session to end in stateless mode (transport spec: 405).
    fastify.route({ method: ['GET', 'DELETE'], url: MCP_PATH, handler: (_request, reply) => methodNotAllowed(reply) });
  }

  private async post(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = request.principal as Principal;

    // RFC 6750 §3.1 + MCP step-up authorization: decided from the body the SDK will get, before it runs.
    const required = this.scopes.requiredFor(request.body);
    const missing = scopesOutside(required, principal.scopes);
    if (missing.length > 0) {
      this.logger.warn({ event: 'mcp.insufficient_scope', reqId: request.id, sub: principal.sub, required, missing }, 'insufficient scope');
      await this.gate.refuse(reply, new InsufficientScope(required));
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
    // Sorted with the SDK's own guards, so that what goes to the server as a request is exactly what the server
    // treats as one (and answers); notifications and responses are valid but have nothing to act on here.
    const requests: JSONRPCRequest[] = [];
    for (const message of Array.isArray(raw) ? raw : [raw]) {
      if (isJSONRPCRequest(message)) requests.push(message);
      else if (!isJSONRPCNotification(message) && !isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) {
        return jsonRpcError(reply, 400, -32700, 'Parse error: Invalid JSON-RPC message');
      }
    }
    if (requests.length === 0) {
      // Only notifications or responses: accepted, nothing to answer (transport spec).
      await reply.code(202).send();
      return;
    }
    try {
      const responses = await this.host.exchange(requests, principal);
      await reply.code(200).type('application/json').send(JSON.stringify(Array.isArray(raw) ? responses : responses[0]));
    } catch (err) {
      this.logger.error({ event: 'mcp.request_failed', reqId: request.id, err }, 'MCP request failed');
      if (!reply.sent) await jsonRpcError(reply, 500, -32603, 'Internal error');
    }
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
