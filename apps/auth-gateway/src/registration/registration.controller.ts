import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidClientMetadata, InvalidRedirectUri, TooManyRequests, validateClientMetadata } from '@mcp-cognito/oauth';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../app/gateway-config';
import { SecurityEvents } from '../events/security-events';
import { randomToken, sha256Hex } from '../http/secrets';

/**
 * RFC 7591 dynamic client registration. Open (MCP clients register themselves), so it is bounded:
 * rate limited per source address across all instances (a DynamoDB counter), every field validated,
 * and registrations that are never used expire.
 */
@Controller()
export class RegistrationController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly events: SecurityEvents,
  ) {}

  @Post('register')
  @HttpCode(201)
  async register(@Req() req: Request, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (!req.is('application/json')) {
      throw new InvalidClientMetadata('The registration request must be a JSON object (Content-Type: application/json).');
    }
    const { rateLimit, rateWindowSeconds } = this.config.registration;
    const count = await this.repos.rateLimits.hit(`register:${req.ip ?? 'unknown'}`, rateWindowSeconds);
    if (count > rateLimit) {
      this.events.emit('client.registration_rate_limited', { ip: req.ip });
      res.set('Retry-After', String(rateWindowSeconds));
      throw new TooManyRequests('Too many registrations from this address; try again later.');
    }

    const check = validateClientMetadata(body, { defaultAuthMethod: 'client_secret_basic' });
    if (!check.ok) {
      this.events.emit('client.registration_rejected', { error: check.error, reason: check.description });
      throw check.error === 'invalid_redirect_uri'
        ? new InvalidRedirectUri(check.description)
        : new InvalidClientMetadata(check.description);
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
    // RFC 7591 §3.2.1: the registered metadata, the id, and the secret (shown once, stored hashed).
    return {
      client_id: clientId,
      client_id_issued_at: record.createdAt,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)),
    };
  }
}
