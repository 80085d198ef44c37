import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, REPOSITORIES } from '@mcp-cognito/nest-platform';
import { epochSeconds, type Clock, type GrantRecord, type Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../app/gateway-config';
import type { OAuthClient } from '../../clients/oauth-client';
import { SecurityEvents } from '../../events/security-events';
import { GATEWAY_KEYS, type GatewayKeys } from '../../keys/gateway-keys';
import { CognitoClient } from '../../upstream/cognito-client';
import type { TokenResponse } from '../token-response';
import { openUpstreamValue } from '../upstream-token-vault';

/** One grant type (RFC 6749 §4): its `grant_type` value and its handler. */
export interface GrantHandler {
  readonly grantType: string;
  handle(params: Record<string, string>, client: OAuthClient): Promise<TokenResponse>;
}

/** What every grant handler needs, injected once. */
@Injectable()
export class GrantContext {
  constructor(
    @Inject(GATEWAY_CONFIG) readonly config: GatewayConfig,
    @Inject(GATEWAY_KEYS) readonly keys: GatewayKeys,
    @Inject(REPOSITORIES) readonly repos: Repositories,
    @Inject(CLOCK) readonly clock: Clock,
    readonly cognito: CognitoClient,
    readonly events: SecurityEvents,
  ) {}

  nowSeconds(): number {
    return epochSeconds(this.clock);
  }

  /**
   * Ends a grant and, best effort, the Cognito refresh token behind it (DESIGN.md §2.8). An upstream
   * outage does not undo our revocation: our grant is dead either way, and Cognito's token expires.
   */
  async revokeGrant(grantId: string, reason: 'code_replay' | 'refresh_token_reuse' | 'revoked_by_client' | 'upstream_revoked'): Promise<void> {
    const result = await this.repos.grants.revoke(grantId, reason);
    if (result.status !== 'revoked') return;
    this.events.emit('grant.revoked', { grant_id: grantId, client_id: result.grant.clientId, sub: result.grant.sub, reason });
    if (reason !== 'upstream_revoked') await this.revokeUpstream(result.grant);
  }

  async revokeUpstream(grant: GrantRecord): Promise<void> {
    if (!grant.upstream.refreshToken) return;
    try {
      await this.cognito.revoke(await openUpstreamValue(this.keys.storageEncryption, grant.upstream.refreshToken));
    } catch (error) {
      this.events.emit('upstream.error', { grant_id: grant.grantId, action: 'revoke', reason: error instanceof Error ? error.message : 'unknown' });
    }
  }
}
