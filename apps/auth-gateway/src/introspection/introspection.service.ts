import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { CLOCK, SecurityEvents } from '@mcp-cognito/nest-platform';
import { InvalidClient, InvalidRequest, TemporarilyUnavailable, TooManyRequests } from '@mcp-cognito/oauth';
import { RevocationSet } from '@mcp-cognito/storage';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '@mcp-cognito/tokens';
import type { McpServerRegistration } from '@mcp-cognito/contracts';
import { decodeBasic } from '../clients/client-authentication';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { McpServerRegistry } from '../servers/mcp-server-registry';
import { ResourceServerCredentials } from './resource-server-credentials';

/** RFC 7662 §2.2 response. Inactive answers carry nothing else (§2.2: no detail on why). */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      iss: string;
      sub: string;
      aud: string;
      client_id: string;
      scope: string;
      token_type: 'Bearer';
      exp: number;
      iat?: number;
      jti: string;
      username: string;
      /** The user's Cognito groups (`cognito:groups`). */
      groups: string[];
    };

/** Failed authentications per source address and minute, per instance, before 429 (guessing secrets). */
const FAILED_AUTH_LIMIT = 20;
const WINDOW_MS = 60_000;

/**
 * RFC 7662 token introspection for resource servers that do not run the two-layer check themselves (servers in
 * other languages; docs/introspection.md). Only registered MCP servers may ask, each with its own secret; a token is
 * `active` only when the whole check passes - the gateway signature, `iss`, `exp`, `aud` equal to the CALLER's
 * resource (a server can never learn about tokens meant for another), and the embedded Cognito token verified and
 * bound to the same user - exactly what libs/tokens' verifier does in TypeScript servers.
 */
@Injectable()
export class IntrospectionService {
  private readonly verifiers = new Map<string, AccessTokenVerifier>();
  private readonly calls = new Map<string, { count: number; windowStart: number }>();
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly servers: McpServerRegistry,
    private readonly credentials: ResourceServerCredentials,
    private readonly revocations: RevocationSet,
    private readonly events: SecurityEvents,
  ) {}

  /** Authenticates the caller (HTTP Basic), then introspects `params.token` for it. */
  async introspect(authorization: string | undefined, params: Record<string, string>, source: string | undefined): Promise<IntrospectionResponse> {
    const caller = await this.authenticate(authorization, source ?? 'unknown');
    this.limit(this.calls, caller.name, this.config.resourceServers.introspectionRateLimit, 'introspection rate limit');
    const token = params['token'];
    if (token === undefined || token === '') throw new InvalidRequest('token is required.');
    return this.check(caller, token);
  }

  private async authenticate(authorization: string | undefined, source: string): Promise<McpServerRegistration> {
    const fail = (reason: string): never => {
      this.limit(this.failures, source, FAILED_AUTH_LIMIT, 'introspection authentication failures');
      this.events.emit('introspection.refused', { reason });
      throw new InvalidClient('Resource server authentication failed.', reason);
    };
    if (authorization === undefined || !authorization.startsWith('Basic ')) return fail('no Basic credentials');
    const basic = decodeBasic(authorization);
    if (!basic) return fail('malformed Basic credentials');
    const server = this.servers.byName(basic.id);
    if (!server) return fail('unknown resource server');
    if (!(await this.credentials.verify(server.name, basic.secret))) return fail('wrong secret');
    return server;
  }

  private async check(server: McpServerRegistration, token: string): Promise<IntrospectionResponse> {
    const result = await this.verifierFor(server.resource).verify(token);
    if (!result.ok) return { active: false };
    const { principal } = result;
    if (principal.expiresAt <= epochSeconds(this.clock)) return { active: false };
    // RFC 7662 §2.2: a revoked token is not active - the same feed and rules as every MCP server's gate.
    const decision = this.revocations.decide(principal);
    if (decision === 'revoked') return { active: false };
    if (decision === 'unavailable') throw new TemporarilyUnavailable('Revocations cannot be checked right now; try again shortly.', 'revocation feed unread', 5);
    const iat = decodeJwt(token).iat;
    return {
      active: true,
      iss: this.config.issuer,
      sub: principal.sub,
      aud: principal.audience,
      client_id: principal.clientId,
      scope: principal.scopes.join(' '),
      token_type: 'Bearer',
      exp: principal.expiresAt,
      ...(typeof iat === 'number' ? { iat } : {}),
      jti: principal.jti,
      username: principal.username,
      groups: [...principal.groups],
    };
  }

  /** One verifier per resource (its `aud`), sharing the gateway's own keys: no JWKS fetch for our signatures. */
  private verifierFor(resource: string): AccessTokenVerifier {
    let verifier = this.verifiers.get(resource);
    if (!verifier) {
      verifier = createAccessTokenVerifier({
        issuer: this.config.issuer,
        audience: resource,
        gatewayJwks: { jwks: this.keys.signingKeys.publicJwks },
        tokenEncryptionKeys: this.keys.tokenEncryption,
        cognito: { issuer: this.config.cognito.issuer, clientId: this.config.cognito.clientId, jwks: { url: this.config.cognito.jwksUrl } },
        clock: this.clock,
      });
      this.verifiers.set(resource, verifier);
    }
    return verifier;
  }

  /** A fixed one-minute window per key, per instance; 429 with the window's remaining seconds beyond `limit`. */
  private limit(windows: Map<string, { count: number; windowStart: number }>, key: string, limit: number, reason: string): void {
    const now = this.clock.now();
    let window = windows.get(key);
    if (!window || now - window.windowStart >= WINDOW_MS) {
      if (windows.size > 10_000) {
        // Bounded memory whatever the callers do: drop the windows that are over, not the live ones.
        for (const [k, w] of windows) if (now - w.windowStart >= WINDOW_MS) windows.delete(k);
        if (windows.size > 10_000) windows.delete(windows.keys().next().value!);
      }
      window = { count: 0, windowStart: now };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > limit) {
      throw new TooManyRequests('Too many introspection requests; slow down.', reason, Math.max(1, Math.ceil((window.windowStart + WINDOW_MS - now) / 1000)));
    }
  }
}
