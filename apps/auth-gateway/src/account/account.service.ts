import { Inject, Injectable } from '@nestjs/common';
import { TooManyRequests } from '@mcp-cognito/oauth';
import { REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import { revokeUserEverywhere, type GrantRecord, type Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { ClientRegistry } from '../clients/client-registry.service';
import { GrantRevocation } from '../families/grant-revocation.service';
import { grantReference } from '../families/refresh-tokens';
import { RevocationFeed } from '../families/revocation-feed';
import { UpstreamRevocation } from '../families/upstream-revocation.service';
import { PageError } from '../http/oauth-exception.filter';
import { McpServerRegistry } from '../servers/mcp-server-registry';
import type { UpstreamUser } from '../upstream/cognito.strategy';

/** One connected client as the page shows it: nothing secret (the grant is named by its one-way reference). */
export interface ConnectedClient {
  /** `grantReference(grantId)`: what the revoke form names; never the grant id (the refresh token's prefix). */
  reference: string;
  clientId: string;
  /** As the client registered it (unverified for dynamic registrations); absent when it gave none. */
  clientName?: string;
  /** `static` (registered by the operators), `dynamic` (RFC 7591), `metadata-document`, or `unknown` (gone). */
  clientSource: string;
  /** Where this grant's authorization answered to (its host), or the client's registered hosts for older grants. */
  redirectHosts: string[];
  server: { title?: string; resource: string };
  scopes: string[];
  createdAt: number;
  /** The last refresh (rotation), else the code redemption: tool calls are not written anywhere. */
  lastUsedAt: number;
  status: GrantRecord['status'];
  revokedAt?: number;
}

/** What "Revoke" did. */
export type RevokeOutcome = { status: 'revoked' | 'already_revoked'; reference: string } | { status: 'not_found' };

/**
 * The account page's use cases (docs/architecture.md#revocation, "The account page"): list a user's grants without a
 * scan, end one of them, end all of them. Every grant is looked up under the session's `sub` (the USERGRANT# index,
 * whose grants are checked to be that user's): a grant named by a form is only ever one of the caller's own.
 */
@Injectable()
export class AccountService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly clients: ClientRegistry,
    private readonly servers: McpServerRegistry,
    private readonly revocation: GrantRevocation,
    private readonly feed: RevocationFeed,
    private readonly upstream: UpstreamRevocation,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * A sign-in to the page stores a pending request, like an authorization: it shares the per-address budget of
   * sign-ins handed to Cognito (`SIGNIN_RATE_LIMIT`), so the page cannot be used to grow the table for free.
   */
  async admitSignIn(sourceAddress: string | undefined): Promise<void> {
    const { rateLimit, rateWindowSeconds } = this.config.signIns;
    const count = await this.repos.rateLimits.hit(`signin:${sourceAddress ?? 'unknown'}`, rateWindowSeconds);
    if (count > rateLimit) {
      this.events.emit('account.refused', { reason: 'sign-in rate limited', ip: sourceAddress });
      throw new PageError(new TooManyRequests('Too many sign-ins were started from your network.', undefined, rateWindowSeconds), 'Wait a few minutes, then try again.', 'account');
    }
  }

  /**
   * The sign-in came back from Cognito: the page needs only who it is. The Cognito refresh token that came with it is
   * given back at once (never stored), with the same never-silent rules as every other upstream revocation.
   */
  async signedIn(user: UpstreamUser, reference: string): Promise<void> {
    this.events.emit('account.signed_in', { sub: user.sub });
    if (user.tokens.refresh_token) {
      await this.upstream.revokeUnbound(user.tokens.refresh_token, { clientId: 'account-page', reference, reason: 'account_sign_in' });
    }
  }

  /** The user's live grants (active and revoked, newest first) as the page shows them. */
  async connectedClients(sub: string): Promise<ConnectedClient[]> {
    const grants = await this.repos.grants.listForUser(sub);
    const clientIds = [...new Set(grants.map((g) => g.clientId))];
    const known = new Map(await Promise.all(clientIds.map(async (id) => [id, await this.clients.find(id)] as const)));
    return grants.map((grant) => {
      const client = known.get(grant.clientId);
      const server = this.servers.find(grant.resource);
      return {
        reference: grantReference(grant.grantId),
        clientId: grant.clientId,
        clientName: client?.clientName,
        clientSource: client?.source ?? 'unknown',
        redirectHosts: hostsOf(grant.redirectUri ? [grant.redirectUri] : (client?.redirectUris ?? [])),
        server: { title: server?.title, resource: grant.resource },
        scopes: grant.scope.split(' ').filter(Boolean),
        createdAt: grant.createdAt,
        lastUsedAt: Math.max(grant.createdAt, grant.rotatedAt ?? 0),
        status: grant.status,
        revokedAt: grant.revokedAt,
      };
    });
  }

  /**
   * Ends the caller's grant named by `reference` through the gateway's one way of ending a grant (feed entry first,
   * then the family, then Cognito's refresh token: families/grant-revocation.service.ts). A reference that is not one
   * of the caller's live grants is `not_found`, whoever's it may be.
   */
  async revoke(sub: string, reference: string): Promise<RevokeOutcome> {
    const grant = (await this.repos.grants.listForUser(sub)).find((g) => grantReference(g.grantId) === reference);
    if (!grant || grant.sub !== sub) return { status: 'not_found' };
    if (grant.status !== 'active') return { status: 'already_revoked', reference };
    await this.revocation.revoke(grant.grantId, 'revoked_by_user');
    return { status: 'revoked', reference };
  }

  /**
   * "Sign out everywhere": libs/storage `revokeUserEverywhere` (a user-level feed entry, then each active grant's entry
   * and the grant), then the Cognito refresh token of each grant it ended, as every other path that ends a grant does.
   * Returns how many grants it ended.
   */
  async signOutEverywhere(sub: string): Promise<number> {
    const ended = await revokeUserEverywhere(this.repos, {
      sub,
      reason: 'signed_out_everywhere',
      feedReason: 'signed_out_everywhere',
      coverSeconds: this.feed.coverSeconds,
    });
    for (const grant of ended) {
      this.events.emit('grant.revoked', { grant: grantReference(grant.grantId), client_id: grant.clientId, sub, reason: 'signed_out_everywhere' });
    }
    // In parallel: each is bounded (1.5 x COGNITO_TIMEOUT_MS) and records what Cognito did not confirm for the retrier.
    await Promise.all(ended.map((grant) => this.upstream.revokeFor(grant, 'signed_out_everywhere')));
    this.events.emit('user.revoked', { sub, reason: 'signed_out_everywhere', actor: 'user', grants: ended.length });
    return ended.length;
  }

  /** A refused request (bad CSRF token, no session, unknown grant): a warning event, never the token or cookie. */
  refused(reason: string, sub?: string): void {
    this.events.emit('account.refused', { reason, sub });
  }
}

/** Hosts (with port) of redirect URIs; a private-use scheme (RFC 8252 §7.1) shows as `scheme:`. */
function hostsOf(uris: readonly string[]): string[] {
  const hosts = new Set<string>();
  for (const uri of uris) {
    try {
      const url = new URL(uri);
      hosts.add(url.host || url.protocol);
    } catch {
      // A registration holds only URIs that parsed when registered; anything else is simply not shown.
    }
  }
  return [...hosts];
}
