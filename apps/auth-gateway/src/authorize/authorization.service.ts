import { Inject, Injectable } from '@nestjs/common';
import { AccessDenied } from '@mcp-cognito/oauth';
import { SecurityEvents } from '@mcp-cognito/nest-platform';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { ClientRegistry } from '../clients/client-registry.service';
import { AuthorizationRedirectError } from '../http/client-redirect';
import { validateAuthorizationRequest, type AuthorizationParams, type ValidatedAuthorizationRequest } from './authorization-request';

/**
 * The authorization request and the user's consent (RFC 6749 §4.1.1, MCP authorization "confused deputy"): which
 * requests are valid, and what each decision means. The HTTP side (cookies, the page, the redirect to Cognito) is
 * the controller's.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly registry: ClientRegistry,
    private readonly events: SecurityEvents,
  ) {}

  /** The request, validated in the order the rules demand (see {@link validateAuthorizationRequest}). */
  validate(params: AuthorizationParams): Promise<ValidatedAuthorizationRequest> {
    return validateAuthorizationRequest(params, this.registry, this.config);
  }

  /** This browser approved this client for this server and these scopes before: no page. */
  consentRemembered(request: ValidatedAuthorizationRequest): void {
    this.events.emit('consent.remembered', { client_id: request.client.clientId, resource: request.resource });
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
