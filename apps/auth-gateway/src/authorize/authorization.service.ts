import { Inject, Injectable } from '@nestjs/common';
import { AccessDenied, TooManyRequests, isLoopbackRedirectUri } from '@mcp-cognito/oauth';
import { REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { ClientRegistry } from '../clients/client-registry.service';
import { McpServerRegistry } from '../servers/mcp-server-registry';
import { AuthorizationRedirectError } from '../http/client-redirect';
import { PageError } from '../http/oauth-exception.filter';
import { validateAuthorizationRequest, type AuthorizationParams, type RedirectTrust, type ValidatedAuthorizationRequest } from './authorization-request';

/**
 * The authorization request and the user's consent (RFC 6749 §4.1.1, MCP authorization "confused deputy"): which
 * requests are valid, and what each decision means. The HTTP side (cookies, the page, the redirect to Cognito) is
 * the controller's.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly registry: ClientRegistry,
    private readonly servers: McpServerRegistry,
    private readonly events: SecurityEvents,
  ) {}

  /** The request, validated in the order the rules demand (see {@link validateAuthorizationRequest}). */
  validate(params: AuthorizationParams, trusted: RedirectTrust): Promise<ValidatedAuthorizationRequest> {
    return validateAuthorizationRequest(params, this.registry, this.servers.all(), trusted);
  }

  /**
   * When an error may go straight back to the client's redirect URI, with no person having confirmed anything
   * (OAuth 2.1 §7.12.2, RFC 9700 §4.11.2 - otherwise anyone could register a client and use this server to bounce
   * browsers to any address): for clients the operators registered (static), for loopback redirects (RFC 8252 §7.3:
   * they only reach software on the user's own computer, never a remote site), and for a client and redirect target
   * that someone already approved in this browser. A freshly self-registered client (RFC 7591 or a metadata
   * document) with any other redirect gets an error page instead. A person's own decision - denying consent, or an
   * error after signing in - always goes back to the client.
   */
  redirectTrust(approvedInThisBrowser: (clientId: string, redirectUri: string) => boolean): RedirectTrust {
    return (client, redirectUri) =>
      client.source === 'static' || isLoopbackRedirectUri(new URL(redirectUri)) || approvedInThisBrowser(client.clientId, redirectUri);
  }

  /** Someone approved this client for this server and these scopes in this browser before: no page (the callback checks who). */
  consentRemembered(request: ValidatedAuthorizationRequest): void {
    this.events.emit('consent.remembered', { client_id: request.client.clientId, resource: request.resource });
  }

  /**
   * Every sign-in handed to Cognito stores a pending request (~2.5 KB, `PENDING_AUTHORIZATION_TTL`): bounded per
   * source address, so that nobody can make the table grow without limit for free (one atomic counter per window).
   */
  async admitSignIn(request: ValidatedAuthorizationRequest, sourceAddress: string | undefined): Promise<void> {
    const { rateLimit, rateWindowSeconds } = this.config.signIns;
    const count = await this.repos.rateLimits.hit(`signin:${sourceAddress ?? 'unknown'}`, rateWindowSeconds);
    if (count > rateLimit) {
      this.events.emit('authorization.rate_limited', { client_id: request.client.clientId, ip: sourceAddress });
      throw new PageError(
        new TooManyRequests('Too many sign-ins were started from your network.', undefined, rateWindowSeconds),
        'Wait a few minutes, then start again from your application.',
      );
    }
  }

  consentGranted(request: ValidatedAuthorizationRequest): void {
    this.events.emit('consent.granted', { client_id: request.client.clientId, resource: request.resource, scope: request.scopes.join(' ') });
  }

  /** RFC 6749 §4.1.2.1 `access_denied`, sent back to the client's validated redirect URI. */
  consentDenied(request: ValidatedAuthorizationRequest): AuthorizationRedirectError {
    this.events.emit('consent.denied', { client_id: request.client.clientId, resource: request.resource });
    return new AuthorizationRedirectError(new AccessDenied('The user denied the request.'), request.redirectUri, request.state);
  }

  upstreamStarted(request: ValidatedAuthorizationRequest): void {
    this.events.emit('upstream.redirected', { client_id: request.client.clientId });
  }
}
