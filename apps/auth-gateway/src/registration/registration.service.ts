import { Inject, Injectable } from '@nestjs/common';
import { InvalidClientMetadata, InvalidRedirectUri, TooManyRequests, validateClientMetadata } from '@mcp-cognito/oauth';
import { REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { randomToken, sha256Hex } from '../keys/secrets';

/** RFC 7591 §3.2.1: the registration response (the secret is shown once and stored only as a hash). */
export type RegistrationResponse = Record<string, unknown> & { client_id: string; client_id_issued_at: number };

/**
 * RFC 7591 dynamic client registration. Open (MCP clients register themselves), so it is bounded: rate limited per
 * source address across all instances (a DynamoDB counter), every field validated, and registrations that are never
 * used expire.
 */
@Injectable()
export class RegistrationService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly events: SecurityEvents,
  ) {}

  async register(metadata: unknown, sourceAddress: string | undefined): Promise<RegistrationResponse> {
    const { rateLimit, rateWindowSeconds } = this.config.registration;
    const count = await this.repos.rateLimits.hit(`register:${sourceAddress ?? 'unknown'}`, rateWindowSeconds);
    if (count > rateLimit) {
      this.events.emit('client.registration_rate_limited', { ip: sourceAddress });
      throw new TooManyRequests('Too many registrations from this address; try again later.', undefined, rateWindowSeconds);
    }

    const check = validateClientMetadata(metadata, { defaultAuthMethod: 'client_secret_basic' });
    if (!check.ok) {
      this.events.emit('client.registration_rejected', { error: check.error, reason: check.description });
      throw check.error === 'invalid_redirect_uri' ? new InvalidRedirectUri(check.description) : new InvalidClientMetadata(check.description);
    }
    const m = check.metadata;
    const clientId = `mcp_${randomToken(16)}`;
    const secret = m.token_endpoint_auth_method === 'none' ? undefined : randomToken(32);
    const record = await this.repos.clients.create(
      {
        clientId,
        clientSecretHash: secret ? sha256Hex(secret) : undefined,
        clientSecretExpiresAt: secret ? 0 : undefined,
        redirectUris: m.redirect_uris,
        tokenEndpointAuthMethod: m.token_endpoint_auth_method,
        grantTypes: m.grant_types,
        responseTypes: m.response_types,
        clientName: m.client_name,
        clientUri: m.client_uri,
        logoUri: m.logo_uri,
        scope: m.scope,
        contacts: m.contacts,
        tosUri: m.tos_uri,
        policyUri: m.policy_uri,
        softwareId: m.software_id,
        softwareVersion: m.software_version,
        registrationType: 'dynamic',
      },
      this.config.lifetimes.unusedClientSeconds,
    );
    this.events.emit('client.registered', {
      client_id: clientId,
      client_name: m.client_name,
      auth_method: m.token_endpoint_auth_method,
      redirect_hosts: m.redirect_uris.map((u) => new URL(u).host || new URL(u).protocol),
    });
    return {
      client_id: clientId,
      client_id_issued_at: record.createdAt,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)),
    };
  }
}
