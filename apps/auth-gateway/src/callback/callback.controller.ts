import { Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidScope } from '@mcp-cognito/oauth';
import { CLOCK, REPOSITORIES } from '@mcp-cognito/nest-platform';
import { epochSeconds, type Clock, type Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../app/gateway-config';
import { SecurityEvents } from '../events/security-events';
import { AuthorizationRedirectError, clientRedirectUrl } from '../http/client-redirect';
import { randomToken, sha256Hex } from '../http/secrets';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import type { UpstreamUser } from '../upstream/cognito.strategy';
import type { RequestWithPending } from '../upstream/pending-authorization.store';
import { sealUpstreamTokens } from '../token/upstream-token-vault';
import { CognitoCallbackGuard } from './cognito-callback.guard';

/**
 * `GET /callback` (DESIGN.md §2.4): the guard consumed the session and exchanged and verified the
 * Cognito code; here the MCP authorization code is made (random, stored only as a hash, short-lived,
 * single use, bound to client, redirect URI, challenge, resource, scope and user) and the browser is
 * sent back to the client with `code`, `state` and `iss` (RFC 9207).
 */
@Controller()
export class CallbackController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: SecurityEvents,
  ) {}

  @Get('callback')
  @UseGuards(CognitoCallbackGuard)
  async callback(@Req() req: RequestWithPending, @Res() res: Response): Promise<void> {
    const user = req.user as UpstreamUser;
    const pending = req.pendingAuthorization!;
    // Cognito decides which resource-server scopes this user gets (app-client settings, pre-token
    // generation triggers): the MCP token carries only scopes the Cognito token also carries.
    const asked = pending.scope.split(' ');
    const granted = asked.filter((s) => user.scopes.includes(s));
    if (granted.length === 0) {
      throw new AuthorizationRedirectError(new InvalidScope('None of the requested scopes were granted.'), pending.redirectUri, pending.clientState);
    }
    const now = epochSeconds(this.clock);
    const upstream = await sealUpstreamTokens(
      this.keys.storageEncryption,
      user.tokens,
      user.accessTokenExpiresAt,
      user.tokens.refresh_token ? now + this.config.lifetimes.upstreamRefreshTokenSeconds : undefined,
    );
    const code = randomToken(32);
    await this.repos.authorizationCodes.create(
      sha256Hex(code),
      {
        clientId: pending.clientId,
        redirectUri: pending.redirectUri,
        redirectUriOmitted: pending.redirectUriOmitted,
        codeChallenge: pending.codeChallenge,
        codeChallengeMethod: 'S256',
        scope: granted.join(' '),
        resource: pending.resource,
        sub: user.sub,
        username: user.username,
        upstream,
      },
      this.config.lifetimes.authorizationCodeSeconds,
    );
    this.events.emit('authorization_code.issued', { client_id: pending.clientId, sub: user.sub, scope: granted.join(' ') });
    res
      .status(302)
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
      .location(clientRedirectUrl(pending.redirectUri, this.config.issuer, { code, state: pending.clientState }))
      .end();
  }
}
