import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidGrant, TemporarilyUnavailable } from '@mcp-cognito/oauth';
import { CLOCK } from '@mcp-cognito/nest-platform';
import type { GrantRecord, UpstreamTokenSet } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { openUpstreamValue, sealUpstreamTokens } from '../../families/upstream-token-vault';
import { GATEWAY_KEYS, type GatewayKeys } from '../../keys/gateway-keys';
import { CognitoClient } from '../../upstream/cognito-client';

/** Cognito tokens refreshed for a grant, sealed, and the scopes Cognito granted this time. */
export interface RefreshedUpstream {
  upstream: UpstreamTokenSet;
  cognitoScopes: string[];
  /** `cognito:groups` of the refreshed token (scope rules with groups are checked again). */
  cognitoGroups: string[];
}

/**
 * One Cognito refresh of a grant's tokens (docs/architecture.md#refresh): the call, the checks on what comes back
 * (signature, issuer, `token_use`, `client_id`, same `sub`), and the sealed token set to store. Throws
 * `UpstreamUnavailableError` / `UpstreamRejectedError` for what Cognito answered, `InvalidGrant` for a token that
 * fails its checks. Callers go through the single flight (refresh-single-flight.ts), never straight here.
 */
@Injectable()
export class UpstreamRefresh {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cognito: CognitoClient,
  ) {}

  /** Lazy upstream refresh: only when the stored Cognito access token would expire before a new MCP access token. */
  isNeeded(grant: GrantRecord): boolean {
    return grant.upstream.accessTokenExpiresAt <= epochSeconds(this.clock) + this.config.lifetimes.accessTokenSeconds;
  }

  async refresh(grant: GrantRecord): Promise<RefreshedUpstream> {
    if (!grant.upstream.refreshToken) throw new InvalidGrant('The sign-in behind this grant has ended.', 'no upstream refresh token');
    const { storageEncryption, cognito } = this.keys;
    const tokens = await this.cognito.refresh(await openUpstreamValue(storageEncryption, grant.upstream.refreshToken));
    const verified = await cognito.verifyAccessToken(tokens.access_token);
    if (!verified.ok) {
      if (verified.reason === 'jwks_unavailable') throw new TemporarilyUnavailable('The identity provider is unavailable; try again shortly.');
      throw new InvalidGrant('The identity provider returned an invalid token.', verified.reason);
    }
    if (verified.claims.sub !== grant.sub) throw new InvalidGrant('The identity provider returned a token for another user.', 'sub mismatch');
    const sealed = await sealUpstreamTokens(storageEncryption, tokens, verified.claims.exp);
    return {
      upstream: {
        ...sealed,
        // Without refresh-token rotation Cognito returns no new refresh token: keep the one we have.
        refreshToken: sealed.refreshToken ?? grant.upstream.refreshToken,
        // With rotation, Cognito's new refresh token "is valid for the remaining time of the original refresh token"
        // (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html):
        // the expiry never moves, so neither can our grant's end.
        refreshTokenExpiresAt: grant.upstream.refreshTokenExpiresAt ?? epochSeconds(this.clock) + this.config.lifetimes.upstreamRefreshTokenSeconds,
        idToken: sealed.idToken ?? grant.upstream.idToken,
      },
      cognitoScopes: verified.claims.scopes,
      cognitoGroups: verified.claims.groups,
    };
  }
}
