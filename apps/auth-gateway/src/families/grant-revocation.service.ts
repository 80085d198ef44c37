import { Inject, Injectable } from '@nestjs/common';
import { REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { GrantRevocationReason, Repositories } from '@mcp-cognito/storage';
import { grantReference } from './refresh-tokens';
import { UpstreamRevocation } from './upstream-revocation.service';

/**
 * Ending a grant: RFC 7009 revocation, refresh-token reuse (RFC 9700 §4.14.2), a replayed code (RFC 6749 §10.5), an
 * upstream refusal. One conditional write ends the family; the first caller to end it also revokes the Cognito refresh
 * token behind it (docs/architecture.md, "Revocation"), never silently (upstream-revocation.service.ts).
 */
@Injectable()
export class GrantRevocation {
  constructor(
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly upstream: UpstreamRevocation,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * Ends a grant and the Cognito refresh token behind it. A Cognito that does not confirm does not undo our
   * revocation: our grant is dead either way, and the Cognito revocation is retried until confirmed.
   */
  async revoke(grantId: string, reason: GrantRevocationReason): Promise<void> {
    const result = await this.repos.grants.revoke(grantId, reason);
    if (result.status !== 'revoked') return;
    this.events.emit('grant.revoked', { grant: grantReference(grantId), client_id: result.grant.clientId, sub: result.grant.sub, reason });
    // Cognito itself ended that session: nothing left to revoke there.
    if (reason !== 'upstream_revoked') await this.upstream.revokeFor(result.grant, reason);
  }
}
