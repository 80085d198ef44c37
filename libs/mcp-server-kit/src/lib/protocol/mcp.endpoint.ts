import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Readable } from 'node:stream';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InsufficientScope, scopesOutside } from '@mcp-cognito/oauth';
import { SecurityEvents } from '@mcp-cognito/nest-platform';
import type { Principal } from '@mcp-cognito/tokens';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../app/tokens';
import { mcpPathOf } from '../http/mcp-path';
import { readRefusedBody } from '../http/read-refused-body';
import { OperationScopes } from './operation-scopes';
import { ProtocolEndpoint } from './protocol-endpoint';

/** Largest request body (bytes). A tool call is a few kilobytes; the bound keeps a request from holding memory. */
export const MAX_BODY_BYTES = 1_048_576;

/**
 * JSON-RPC answers for what fastify refuses before the endpoint runs (MCP streamable HTTP: a body that is not JSON is
 * a parse error, -32700; one over the limit is 413, as the SDK answers it). Fastify closes the connection after such an
 * answer; an oversized body is read to its end first (bounded, {@link readRefusedBody}), or the close would reset the
 * connection under a sender still writing and it could lose the 413 (RFC 9112 §9.6).
 */
async function refusedByFastify(error: { statusCode?: number; code?: string }, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
  if (tooLarge) await readRefusedBody(request.raw);
  const status = tooLarge ? 413 : (error.statusCode ?? 500) < 500 ? (error.statusCode as number) : 500;
  const [code, message] = tooLarge
    ? [-32000, `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes`]
    : status < 500
      ? [-32700, 'Parse error: the request body is not valid JSON']
      : [-32603, 'Internal error'];
  return reply.code(status).type('application/json').send({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * The caller as the SDK carries it (`authInfo`, read by handlers as `ctx.http.authInfo`). One frozen object per
 * verified principal: the verified-token cache hands out the same principal for a token, so a busy client's calls
 * share it instead of building it (and parsing its audience URL) on every request.
 */
const AUTH_INFO = new WeakMap<Principal, AuthInfo>();
function authInfoOf(principal: Principal): AuthInfo {
  let authInfo = AUTH_INFO.get(principal);
  if (authInfo === undefined) {
    authInfo = Object.freeze({
      // The token's id, not the token: nothing past the request gate needs, or holds, a usable bearer token.
      token: principal.jti,
      clientId: principal.clientId,
      scopes: Object.freeze([...principal.scopes]) as string[],
      expiresAt: principal.expiresAt,
      resource: new URL(principal.audience),
      extra: Object.freeze({ principal }),
    });
    AUTH_INFO.set(principal, authInfo);
  }
  return authInfo;
}

/**
 * The MCP endpoint (streamable HTTP, stateless: no `Mcp-Session-Id`, JSON answers): both protocol eras on one URL
 * ({@link ProtocolEndpoint}). The hot path of the product, so it is a fastify route of its own rather than a Nest
 * controller. {@link McpRequestGate} has run before anything here (Origin, bearer token); here the operation's
 * scopes are checked (RFC 6750 §3.1 + MCP step-up authorization, before the protocol runs), then the protocol answers.
 */
@Injectable()
export class McpEndpoint implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Mcp');
  private readonly path: string;

  constructor(
    @Inject(MCP_SERVER_CONFIG) config: McpServerConfig,
    private readonly protocol: ProtocolEndpoint,
    private readonly scopes: OperationScopes,
    private readonly gate: McpRequestGate,
    private readonly adapterHost: HttpAdapterHost,
    private readonly events: SecurityEvents,
  ) {
    this.path = mcpPathOf(config.resource);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({ method: ['POST', 'GET', 'DELETE'], url: this.path, errorHandler: refusedByFastify, handler: (request, reply) => this.handle(request, reply) });
  }

  /**
   * Before Nest closes the HTTP server: by then serveHttp has stopped accepting and waited out the grace, so this
   * only answers requests still held by the long-lived servers (an error instead of a cut connection), and the
   * server's close does not wait on them.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.protocol.close();
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = request.principal as Principal;
    if (request.method === 'POST') {
      const required = this.scopes.requiredFor(request.body);
      const missing = scopesOutside(required, principal.scopes);
      if (missing.length > 0) {
        this.events.emit('resource.insufficient_scope', { sub: principal.sub, required, missing }, { reqId: request.id });
        await this.gate.refuse(reply, new InsufficientScope(required));
        return;
      }
    }
    const authInfo = authInfoOf(principal);
    try {
      const answer = await this.protocol.handle({
        method: request.method,
        headers: request.headers,
        body: request.body,
        authInfo,
        // The response closes before it finished: the client went away (a finished answer closes after `finish`).
        onClientGone: (callback) => reply.raw.once('close', () => !reply.raw.writableFinished && callback()),
      });
      if (answer.stream !== undefined) {
        const stream = answer.stream;
        reply.raw.once('close', () => void stream.cancel().catch(() => undefined));
        await reply.code(answer.status).headers(answer.headers).send(Readable.fromWeb(stream as Parameters<typeof Readable.fromWeb>[0]));
        return;
      }
      await reply.code(answer.status).headers(answer.headers).send(answer.body);
    } catch (err) {
      this.logger.error({ event: 'mcp.request_failed', reqId: request.id, err }, 'MCP request failed');
      if (!reply.sent) await reply.code(500).type('application/json').send({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null });
    }
  }
}
