import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BearerChallenges, InvalidRequest, protectedResourceMetadataUrl, type BearerRefusal } from '@mcp-cognito/oauth';
import { Metrics, SecurityEvents } from '@mcp-cognito/nest-platform';
import { toOAuthError, type AccessTokenVerifier, type Principal } from '@mcp-cognito/tokens';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../app/tokens';
import { isMcpRequest, mcpPathOf } from '../http/mcp-path';
import { ACCESS_TOKEN_VERIFIER } from './access-token-verifier.provider';
import { hasQueryAccessToken, readBearerCredentials } from './bearer-token';
import { RevocationSet } from '@mcp-cognito/storage';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by {@link McpRequestGate} on every request to the MCP endpoint that reaches a handler. */
    principal: Principal | null;
  }
}

/** Request headers a browser-based client sends to the MCP endpoint (both protocol eras), for CORS preflights. */
const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id, Last-Event-ID';
const EXPOSED_RESPONSE_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version';

/**
 * The gate in front of the MCP endpoint: a fastify `onRequest` hook, so it runs before the body is read or parsed and
 * before any MCP processing, for every method and both protocol eras. In order:
 * 1. `Origin` (MCP streamable HTTP, DNS-rebinding protection): present and neither the server's own origin
 *    (same-origin requests are not rebinding) nor an allowed browser origin -> 403.
 * 2. `access_token` in the query (RFC 6750 §2.3, not supported; the token has leaked into URLs) -> 400.
 * 3. Bearer token from the `Authorization` header only, checked by the shared verifier -> principal, or 401 with the
 *    RFC 6750 / RFC 9728 challenge, or 503 when a key set cannot be fetched.
 * 4. The revocation set (docs/architecture.md#revocation): a token whose grant or user was revoked is 401
 *    `invalid_token`; when the set is older than the fail-open window allows, every token is 503.
 * No storage request is made here: the verifier works from JWKS caches and an in-memory token cache, the revocation
 * set is in memory (refreshed on a timer, never per request).
 */
@Injectable()
export class McpRequestGate implements OnModuleInit {
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly path: string;
  readonly challenges: BearerChallenges;

  constructor(
    @Inject(MCP_SERVER_CONFIG) config: McpServerConfig,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier,
    private readonly adapterHost: HttpAdapterHost,
    private readonly events: SecurityEvents,
    private readonly revocations: RevocationSet,
    private readonly metrics: Metrics,
  ) {
    this.allowedOrigins = new Set([new URL(config.resource).origin, ...config.allowedOrigins]);
    this.path = mcpPathOf(config.resource);
    this.challenges = new BearerChallenges(protectedResourceMetadataUrl(config.resource), config.scopes);
  }

  /** Installed during init, after the request logger's hook, so refused requests are logged too. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.decorateRequest('principal', null);
    fastify.addHook('onRequest', (request, reply) => this.onRequest(request, reply));
  }

  async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!isMcpRequest(this.path, request)) return;

    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin)) {
      this.events.emit('resource.origin_refused', { origin: origin.slice(0, 200) }, { reqId: request.id });
      return reply
        .code(403)
        .header('cache-control', 'no-store')
        .type('application/json')
        .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Forbidden: Origin not allowed' }, id: null });
    }

    if (origin !== undefined) {
      // CORS for allowed browser origins (e.g. the MCP Inspector). Set on the raw response so that they survive
      // a route that writes the raw response itself.
      reply.raw.setHeader('access-control-allow-origin', origin);
      reply.raw.setHeader('vary', 'Origin');
      reply.raw.setHeader('access-control-expose-headers', EXPOSED_RESPONSE_HEADERS);
      if (request.method === 'OPTIONS') {
        // A preflight carries no credentials by definition: answer it before authentication.
        reply.raw.setHeader('access-control-allow-methods', 'GET, POST, DELETE');
        reply.raw.setHeader('access-control-allow-headers', ALLOWED_REQUEST_HEADERS);
        reply.raw.setHeader('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }

    if (hasQueryAccessToken(request.url)) {
      this.events.emit('resource.token_refused', { reason: 'query_token', status: 400 }, { reqId: request.id });
      return this.refuse(reply, new InvalidRequest('Send the access token in the Authorization header, not in the URL'));
    }

    const credentials = readBearerCredentials(request.headers.authorization);
    // RFC 6750 §3.1: no credentials -> a challenge without `error` (the MCP client's discovery step).
    if (credentials.kind === 'none') return this.refuse(reply, 'no_credentials');
    const result =
      credentials.kind === 'token' ? await this.verifier.verify(credentials.token) : ({ ok: false, reason: 'malformed' } as const);
    if (result.ok) {
      const decision = this.revocations.decide(result.principal);
      if (decision === 'accept') {
        request.principal = result.principal;
        return;
      }
      if (decision === 'accept_stale') {
        this.metrics.count('revocationStaleRequests', 'open');
        request.principal = result.principal;
        return;
      }
      if (decision === 'unavailable') this.metrics.count('revocationStaleRequests', 'closed');
      const reason = decision === 'revoked' ? 'revoked' : 'revocation_status_unavailable';
      const refusal = toOAuthError(reason);
      this.events.emit('resource.token_refused', { reason, status: refusal.status }, { reqId: request.id });
      return this.refuse(reply, refusal);
    }

    const error = toOAuthError(result.reason);
    this.events.emit('resource.token_refused', { reason: result.reason, status: error.status, detail: 'detail' in result ? result.detail : undefined }, { reqId: request.id });
    return this.refuse(reply, error);
  }

  /** Copies the RFC 6750 answer (libs/oauth responder) onto the reply. */
  refuse(reply: FastifyReply, refusal: BearerRefusal): FastifyReply {
    const answer = this.challenges.answer(refusal);
    return reply.code(answer.status).headers(answer.headers).type('application/json').send(answer.body);
  }
}
