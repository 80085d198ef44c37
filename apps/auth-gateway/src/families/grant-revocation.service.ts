import { Inject, Injectable } from '@nestjs/common';
import { REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { GrantRecord, GrantRevocationReason, Repositories } from '@mcp-cognito/storage';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { openUpstreamValue } from './upstream-token-vault';
import { grantReference } from './refresh-tokens';
import { CognitoClient } from '../upstream/cognito-client';

/**
 * Ending a grant: RFC 7009 revocation, refresh-token reuse (RFC 9700 §4.14.2), a replayed code (RFC 6749 §10.5), an
 * upstream refusal. One conditional write ends the family; the first caller to end it also revokes the Cognito refresh
 * token behind it (docs/architecture.md, "Revocation").
 */
@Injectable()
export class GrantRevocation {
  constructor(
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    private readonly cognito: CognitoClient,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * Ends a grant and, best effort, the Cognito refresh token behind it. An upstream outage does not undo our
   * revocation: our grant is dead either way, and Cognito's token expires.
   */
  async revoke(grantId: string, reason: GrantRevocationReason): Promise<void> {
    const result = await this.repos.grants.revoke(grantId, reason);
    if (result.status !== 'revoked') return;
    this.events.emit('grant.revoked', { grant: grantReference(grantId), client_id: result.grant.clientId, sub: result.grant.sub, reason });
    if (reason !== 'upstream_revoked') await this.revokeUpstream(result.grant);
  }

  private async revokeUpstream(grant: GrantRecord): Promise<void> {
    if (!grant.upstream.refreshToken) return;
    try {
      await this.cognito.revoke(await openUpstreamValue(this.keys.storageEncryption, grant.upstream.refreshToken));
    } catch (error) {
      this.events.emit('upstream.error', {
        operation: 'revoke',
        grant: grantReference(grant.grantId),
        reason: error instanceof Error ? error.message : 'unknown',
      });
    }
  }
}
