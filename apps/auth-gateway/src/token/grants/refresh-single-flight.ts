import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidGrant, InvalidScope, TemporarilyUnavailable } from '@mcp-cognito/oauth';
import { CLOCK, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { GrantRecord, Repositories, UpstreamTokenSet } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { GrantRevocation } from '../../families/grant-revocation.service';
import { grantReference, type IssuedRefreshToken } from '../../families/refresh-tokens';
import { randomToken } from '../../keys/secrets';
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../upstream/cognito-client';
import { McpServerRegistry } from '../../servers/mcp-server-registry';
import { grantableScopes } from '../../servers/scope-policy';
import { UpstreamRefresh } from './upstream-refresh';

/** `rotated`: this request refreshed upstream and rotated the family. `moved`: someone else did (or it ended). */
export type FlightOutcome = { status: 'rotated'; grant: GrantRecord; scope: string } | { status: 'moved'; current: GrantRecord };

/** How long a failed Cognito refresh keeps answering "try again" for its grant (at most; Retry-After may be less). */
const FAILURE_HOLD_MS = 2_000;

/**
 * Single-flight upstream refresh across instances (docs/architecture.md#refresh). Concurrent refreshes of one grant
 * that need Cognito - on one gateway instance or many - call Cognito once: the first takes a short lease on the grant
 * item (one conditional UpdateItem), calls Cognito, and stores the new Cognito tokens and the rotated refresh token
 * in one write that also ends the lease; the others wait for that write (consistent reads) and answer from it
 * through the grace rule. This matters most with Cognito's refresh-token rotation, where a second call with the same
 * Cognito refresh token is refused: a refusal that our own concurrency caused never ends the grant; a genuine one
 * (Cognito refuses the token the grant still holds) does.
 */
@Injectable()
export class RefreshSingleFlight {
  /** The lease outlives the Cognito call and the JWKS fetch that may follow it. */
  private readonly leaseMs: number;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly upstream: UpstreamRefresh,
    private readonly revocation: GrantRevocation,
    private readonly servers: McpServerRegistry,
    private readonly events: SecurityEvents,
  ) {
    this.leaseMs = config.cognito.upstreamTimeoutMs * 2 + 1000;
  }

  /** Refreshes `grant` at Cognito and rotates `presented` -> `successor`, or reports that the family moved on. */
  async rotateWithFreshUpstream(grant: GrantRecord, presented: IssuedRefreshToken, successor: IssuedRefreshToken, scope: string): Promise<FlightOutcome> {
    const owner = randomToken(12);
    const deadline = this.clock.now() + this.leaseMs + 2000;
    let current = grant;
    let pauseMs = 25;
    for (;;) {
      const lease = await this.repos.grants.acquireRefreshLease(grant.grantId, { owner, expectedGeneration: grant.generation, leaseMs: this.leaseMs });
      if (lease.status === 'not_found') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant vanished');
      if (lease.status === 'acquired') return this.refreshAsHolder(lease.grant, presented, successor, scope, owner);
      current = lease.current;
      // Someone else holds the lease: wait for their write, reading the item, never calling Cognito meanwhile.
      for (;;) {
        if (current.status !== 'active' || current.generation !== grant.generation || current.currentRefreshHash !== presented.hash) {
          return { status: 'moved', current };
        }
        const held = current.refreshLease;
        const nowMs = this.clock.now();
        if (held?.failure && held.untilMs > nowMs) {
          throw new TemporarilyUnavailable(
            'The identity provider is unavailable; try again shortly.',
            `a refresh of this grant just failed upstream: ${held.failure.reason}`,
            held.failure.retryAfterSeconds,
          );
        }
        if (!held || held.untilMs <= nowMs) break; // free again (its holder finished without rotating, or died): take it
        if (nowMs > deadline) throw new TemporarilyUnavailable('The identity provider is slow; try again shortly.', 'waited for a concurrent refresh of this grant');
        await new Promise((r) => setTimeout(r, pauseMs));
        pauseMs = Math.min(250, Math.round(pauseMs * 1.5));
        const read = await this.repos.grants.get(grant.grantId);
        if (!read) throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant vanished');
        current = read;
      }
    }
  }

  private async refreshAsHolder(grant: GrantRecord, presented: IssuedRefreshToken, successor: IssuedRefreshToken, scope: string, owner: string): Promise<FlightOutcome> {
    const ref = grantReference(grant.grantId);
    let fresh;
    try {
      fresh = await this.upstream.refresh(grant);
    } catch (error) {
      if (error instanceof UpstreamRejectedError && error.error === 'invalid_grant') return this.upstreamRefused(grant, owner);
      if (error instanceof UpstreamUnavailableError) {
        const retryAfterSeconds = error.retryAfterSeconds ?? 5;
        await this.repos.grants.releaseRefreshLease(grant.grantId, owner, { reason: error.detail, retryAfterSeconds, holdMs: Math.min(FAILURE_HOLD_MS, retryAfterSeconds * 1000) });
        this.events.emit('upstream.error', { operation: 'refresh', reason: error.detail, client_id: grant.clientId, grant: ref });
        throw new TemporarilyUnavailable('The identity provider is unavailable; try again shortly.', error.message, retryAfterSeconds);
      }
      if (error instanceof UpstreamRejectedError) {
        // invalid_client, unauthorized_client...: Cognito refused the gateway, not this user's session.
        await this.repos.grants.releaseRefreshLease(grant.grantId, owner, { reason: `rejected: ${error.error}`, retryAfterSeconds: 5, holdMs: 2000 });
        this.events.emit('upstream.error', { operation: 'refresh', reason: `rejected: ${error.error}`, client_id: grant.clientId, grant: ref });
        throw new TemporarilyUnavailable('The identity provider refused the request; try again later.', `upstream ${error.error} (${error.status})`);
      }
      await this.repos.grants.releaseRefreshLease(grant.grantId, owner);
      throw error;
    }
    // A refreshed Cognito token may carry fewer scopes or groups (app-client or membership changes): the server's
    // scope policy is applied again to the FAMILY's scope (RFC 6749 §6 narrows the token, not the grant), and the
    // family keeps only what it still allows - never more. The token gets the request's scope within that.
    const server = this.servers.find(grant.resource);
    const family = server ? grantableScopes(server, grant.scope.split(' '), { scopes: fresh.cognitoScopes, groups: fresh.cognitoGroups }) : [];
    if (family.length === 0) {
      await this.revocation.revoke(grant.grantId, 'upstream_revoked');
      throw new InvalidGrant('The identity provider no longer grants any of these scopes.', 'no scope left upstream');
    }
    const effective = scope.split(' ').filter((s) => family.includes(s));
    const rotated = await this.repos.grants.rotate(grant.grantId, {
      expectedCurrentHash: presented.hash,
      newHash: successor.hash,
      updates: { upstream: fresh.upstream, expiresAt: this.grantEnd(fresh.upstream), scope: family.join(' ') },
      releaseLease: true,
    });
    if (rotated.status === 'ok') {
      // Stored either way (Cognito's new tokens must not be lost); a retry inside the grace window gets the successor.
      if (effective.length === 0) throw new InvalidScope('None of the requested scopes is granted any more.');
      return { status: 'rotated', grant: rotated.grant, scope: effective.join(' ') };
    }
    if (rotated.status === 'not_found') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant vanished');
    await this.repos.grants.releaseRefreshLease(grant.grantId, owner);
    return { status: 'moved', current: rotated.current };
  }

  /**
   * Cognito answered `invalid_grant`. If the grant no longer holds the Cognito refresh token we sent (another request
   * stored a newer one - e.g. a lease holder that overran its lease), our own concurrency caused it: keep the grant.
   * Otherwise Cognito ended the session (revoked, expired, user disabled), and so does our grant.
   */
  private async upstreamRefused(grant: GrantRecord, owner: string): Promise<FlightOutcome> {
    const now = await this.repos.grants.get(grant.grantId);
    if (now && (now.generation !== grant.generation || now.upstream.refreshToken?.ciphertext !== grant.upstream.refreshToken?.ciphertext)) {
      await this.repos.grants.releaseRefreshLease(grant.grantId, owner);
      this.events.emit('upstream.refresh_raced', { client_id: grant.clientId, grant: grantReference(grant.grantId) });
      return { status: 'moved', current: now };
    }
    await this.revocation.revoke(grant.grantId, 'upstream_revoked');
    throw new InvalidGrant('The sign-in behind this grant has ended.', 'upstream invalid_grant');
  }

  /** The family never outlives REFRESH_TOKEN_TTL from now, nor Cognito's refresh token. */
  private grantEnd(upstream: UpstreamTokenSet): number {
    const now = epochSeconds(this.clock);
    return Math.min(now + this.config.lifetimes.refreshTokenSeconds, upstream.refreshTokenExpiresAt ?? Number.MAX_SAFE_INTEGER);
  }
}
