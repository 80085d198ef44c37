import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenges, InvalidRequest, protectedResourceMetadataUrl, type BearerRefusal, type OAuthAnswer } from '@mcp-cognito/oauth';
import { toOAuthError, type AccessTokenVerifier, type Principal } from '@mcp-cognito/tokens';
import { TOOLS_CONFIG, type ToolsConfig } from '../app/tools-config';
import { ACCESS_TOKEN_VERIFIER } from './access-token-verifier.provider';
import { hasQueryAccessToken, readBearerCredentials } from './bearer-token';
import { isMcpRequest } from './mcp-path';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by {@link McpRequestGate} on every request to /mcp that reaches a handler. */
    principal: Principal | null;
  }
}

/**
 * The gate in front of `/mcp`: a fastify `onRequest` hook, so it runs before the body is read or
 * parsed and before any route handler, for every method. In order:
 * 1. `Origin` (MCP transport spec, DNS-rebinding protection): present and not allowed -> 403.
 * 2. `access_token` in the query (RFC 6750 §2.3, not supported; the token has leaked into URLs) -> 400.
 * 3. Bearer token from the `Authorization` header only, checked by the shared verifier -> principal,
 *    or 401 with the RFC 6750 / RFC 9728 challenge, or 503 when a key set cannot be fetched.
 * No storage request is made here: the verifier works from JWKS caches and an in-memory token cache.
 */
@Injectable()
export class McpRequestGate implements OnModuleInit {
  private readonly logger = new Logger('McpAuth');
  private readonly allowedOrigins: ReadonlySet<string>;
  readonly challenges: BearerChallenges;

  constructor(
    @Inject(TOOLS_CONFIG) config: ToolsConfig,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.allowedOrigins = new Set(config.allowedOrigins);
    this.challenges = new BearerChallenges(protectedResourceMetadataUrl(config.resource), config.scopes);
  }

  /** Installed during init, after the request logger's hook, so refused requests are logged too. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.decorateRequest('principal', null);
    fastify.addHook('onRequest', (request, reply) => this.onRequest(request, reply));
  }

  async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!isMcpRequest(request)) return;

    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin)) {
      this.logger.warn({ event: 'mcp.origin_refused', reqId: request.id, origin }, 'origin not allowed');
      return reply
        .code(403)
        .header('cache-control', 'no-store')
        .type('application/json')
        .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Forbidden: Origin not allowed' }, id: null });
    }

    if (origin !== undefined) {
      // CORS for allowed browser origins (e.g. the MCP Inspector). Set on the raw response so that
      // the SDK transport's own writeHead keeps them after the route hijacks the reply.
      reply.raw.setHeader('access-control-allow-origin', origin);
      reply.raw.setHeader('vary', 'Origin');
      reply.raw.setHeader('access-control-expose-headers', 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version');
      if (request.method === 'OPTIONS') {
        // A preflight carries no credentials by definition: answer it before authentication.
        reply.raw.setHeader('access-control-allow-methods', 'GET, POST, DELETE');
        reply.raw.setHeader('access-control-allow-headers', 'Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID');
        reply.raw.setHeader('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }

    if (hasQueryAccessToken(request.url)) {
      this.logger.warn({ event: 'mcp.auth_failed', reqId: request.id, reason: 'query_token' }, 'access token in the query string');
      return this.refuse(reply, new InvalidRequest('Send the access token in the Authorization header, not in the URL'));
    }

    const credentials = readBearerCredentials(request.headers.authorization);
    // RFC 6750 §3.1: no credentials -> a challenge without `error` (the MCP client's discovery step).
    if (credentials.kind === 'none') return this.refuse(reply, 'no_credentials');
    const result =
      credentials.kind === 'token' ? await this.verifier.verify(credentials.token) : ({ ok: false, reason: 'malformed' } as const);
    if (result.ok) {
      request.principal = result.principal;
      return;
    }

    const error = toOAuthError(result.reason);
    this.logger.warn(
      { event: 'mcp.auth_failed', reqId: request.id, reason: result.reason, detail: 'detail' in result ? result.detail : undefined, status: error.status },
      'access token refused',
    );
    return this.refuse(reply, error);
  }

  /** Copies the RFC 6750 answer (libs/oauth) onto the reply. */
  refuse(reply: FastifyReply, refusal: BearerRefusal): FastifyReply {
    return send(reply, this.challenges.answer(refusal));
  }
}

function send(reply: FastifyReply, answer: OAuthAnswer): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).type('application/json').send(answer.body);
}
