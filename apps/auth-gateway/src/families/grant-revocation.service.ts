import { Inject, Injectable } from '@nestjs/common';
import { REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { GrantRevocationReason, Repositories } from '@mcp-cognito/storage';
import { grantReference } from './refresh-tokens';
import { RevocationFeed } from './revocation-feed';
import { UpstreamRevocation } from './upstream-revocation.service';

/**
 * Ending a grant: RFC 7009 revocation, refresh-token reuse (RFC 9700 §4.14.2), a replayed code (RFC 6749 §10.5), an
 * upstream refusal. A revocation-feed entry makes every MCP server refuse the grant's access tokens within seconds;
 * one conditional write ends the family; the first caller to end it also revokes the Cognito refresh
 * token behind it (docs/architecture.md, "Revocation"), never silently (upstream-revocation.service.ts).
 */
@Injectable()
export class GrantRevocation {
  constructor(
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly upstream: UpstreamRevocation,
    private readonly events: SecurityEvents,
    private readonly feed: RevocationFeed,
  ) {}

  /**
   * Ends a grant and the Cognito refresh token behind it. A Cognito that does not confirm does not undo our
   * revocation: our grant is dead either way, and the Cognito revocation is retried until confirmed.
   */
  async revoke(grantId: string, reason: GrantRevocationReason): Promise<void> {
    // The feed first: if it cannot be written (a storage outage), nothing is revoked and the caller's answer says
    // "try again" - a grant that is ended while its access tokens keep working everywhere is what this prevents.
    // A feed entry for a grant that turns out to be revoked already is harmless (readers keep one per grant).
    await this.feed.revokeGrant(grantId, reason);
    const result = await this.repos.grants.revoke(grantId, reason);
    if (result.status !== 'revoked') return;
    this.events.emit('grant.revoked', { grant: grantReference(grantId), client_id: result.grant.clientId, sub: result.grant.sub, reason });
    // Cognito itself ended that session: nothing left to revoke there.
    if (reason !== 'upstream_revoked') await this.upstream.revokeFor(result.grant, reason);
  }
}
