import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidGrant, InvalidScope, InvalidTarget, matchResource, parseScope, scopesOutside } from '@mcp-cognito/oauth';
import { CLOCK, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import { startedBeforeRevocation, type GrantRecord, type Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import type { OAuthClient } from '../../clients/oauth-client';
import { GrantRevocation } from '../../families/grant-revocation.service';
import { required } from '../../http/form-params';
import { AccessTokenIssuer } from '../access-token-issuer';
import { RefreshTokens, grantReference, type IssuedRefreshToken } from '../../families/refresh-tokens';
import type { TokenResponse } from '../token-response';
import type { GrantHandler } from './grant-handler';
import { RefreshSingleFlight, type FlightOutcome } from './refresh-single-flight';
import { McpServerRegistry } from '../../servers/mcp-server-registry';
import { UpstreamRefresh } from './upstream-refresh';

/**
 * `grant_type=refresh_token` (RFC 6749 §6, OAuth 2.1 §4.3, docs/architecture.md "Refresh").
 *
 * - Only tokens this gateway issued are considered (their MAC holds); anything else is `invalid_grant` with no effect.
 * - Rotation on every use, as one conditional UpdateItem on the grant family.
 * - The successor of a refresh token is *derived* from it (HMAC under `REFRESH_TOKEN_KEYS`), so concurrent refreshes
 *   with the same token, and one retry of it, inside the grace window receive the same new refresh token
 *   ({@link RefreshTokenGrant.withinGrace}).
 * - Any other use of a rotated-out token (after the window, a second late replay, an older token) is reuse: the
 *   family and the Cognito refresh token are revoked (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2).
 * - Cognito is called only when its stored access token would expire before the new MCP token (lazy upstream
 *   refresh), and then once per family however many requests arrive together (refresh-single-flight.ts); an outage
 *   changes nothing stored.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly refreshTokens: RefreshTokens,
    private readonly issuer: AccessTokenIssuer,
    private readonly revocation: GrantRevocation,
    private readonly upstream: UpstreamRefresh,
    private readonly flight: RefreshSingleFlight,
    private readonly servers: McpServerRegistry,
    private readonly events: SecurityEvents,
  ) {}

  async handle(params: Record<string, string>, client: OAuthClient): Promise<TokenResponse> {
    // When this request arrived: one that was already here when its token was rotated is concurrent, not a replay.
    const arrivedAt = epochSeconds(this.clock);
    const presented = this.refreshTokens.verify(required(params, 'refresh_token'));
    if (!presented) throw new InvalidGrant('The refresh token is invalid.', 'not a refresh token of this server');
    let grant = await this.repos.grants.get(presented.grantId);
    if (!grant || grant.status !== 'active') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', grant ? 'grant revoked' : 'no grant');
    if (grant.clientId !== client.clientId) throw new InvalidGrant('The refresh token was issued to another client.', 'client mismatch');
    // The user was revoked after this grant's sign-in began (one GetItem; docs/architecture.md#revocation): the grant
    // is ended by the revocation itself, this covers one it had not reached yet (a revocation cut short by an outage
    // and not yet retried). Refused without rotating; the user's access tokens are already named by the feed.
    if (startedBeforeRevocation(grant.authorizedAt ?? grant.createdAt, await this.repos.userRevocations.get(grant.sub))) {
      throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'user revoked');
    }

    // RFC 8707 §2.2: checked before anything rotates, so a refused request changes nothing.
    const resource = this.resourceFor(params['resource'], grant);
    // The server must still be registered, and the family keeps only scopes it still declares (a server can drop one).
    const server = this.servers.find(resource);
    if (!server) throw new InvalidGrant('The MCP server this grant is for is no longer served.', 'resource not registered');
    let scope = this.narrowedScope(params['scope'], grant.scope)
      .split(' ')
      .filter((s) => Object.hasOwn(server.scopes, s))
      .join(' ');
    if (!scope) throw new InvalidGrant('The MCP server no longer offers any of these scopes.', 'no scope left at the server');
    if (presented.hash === grant.currentRefreshHash) {
      const successor = this.refreshTokens.successor(presented);
      const outcome = this.upstream.isNeeded(grant)
        ? await this.flight.rotateWithFreshUpstream(grant, presented, successor, scope)
        : await this.rotate(grant, presented, successor, scope);
      if (outcome.status === 'rotated') {
        this.events.emit('refresh_token.rotated', { client_id: client.clientId, grant: grantReference(grant.grantId), generation: outcome.grant.generation });
        return this.respond(outcome.grant, client, resource, outcome.scope, successor);
      }
      grant = outcome.current; // a concurrent refresh rotated first: fall through to the grace rule
      if (grant.status !== 'active') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant revoked');
      // Never more than the family holds now (the rotation that won may have narrowed it to what Cognito granted).
      scope = scope
        .split(' ')
        .filter((s) => grant!.scope.split(' ').includes(s))
        .join(' ');
      if (!scope) throw new InvalidGrant('The identity provider no longer grants any of these scopes.', 'no scope left upstream');
    }

    if (presented.hash === grant.previousRefreshHash && (await this.withinGrace(grant, arrivedAt))) {
      const successor = this.refreshTokens.successorCandidates(presented).find((s) => s.hash === grant!.currentRefreshHash);
      // Same token, same successor: a concurrent refresh, or the one retry of a client that lost the answer.
      if (successor) return this.respond(grant, client, resource, scope, successor);
    }

    this.events.emit('refresh_token.reused', { client_id: client.clientId, grant: grantReference(grant.grantId), sub: grant.sub });
    await this.revocation.revoke(grant.grantId, 'refresh_token_reuse');
    throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'reuse detected');
  }

  /**
   * The grace rule for the token rotated out last (OAuth 2.1 §4.3.1 allows it; RFC 9700 §4.14.2 is why it is narrow):
   * within `REFRESH_GRACE_SECONDS` of the rotation, a request that was already in flight when the rotation happened
   * (concurrent refreshes of one token: several tabs or agents sharing a token store) gets the successor, however many
   * there are; a request that arrived after the rotation - a client retrying because it lost the answer - gets it
   * ONCE per rotation (a conditional write on the grant). A second late replay is not a retry: it is reuse. Without
   * the once-only rule a thief holding the rotated-out token could clone the family again and again while the window
   * lasted, unseen.
   */
  private async withinGrace(grant: GrantRecord, arrivedAt: number): Promise<boolean> {
    const rotatedAt = grant.rotatedAt ?? 0;
    if (epochSeconds(this.clock) > rotatedAt + this.config.lifetimes.refreshGraceSeconds) return false;
    if (arrivedAt <= rotatedAt) return true;
    return (await this.repos.grants.claimLateReplay(grant.grantId, grant.generation)) === 'claimed';
  }

  /** The Cognito tokens are fresh enough: rotation alone, one conditional write. */
  private async rotate(grant: GrantRecord, presented: IssuedRefreshToken, successor: IssuedRefreshToken, scope: string): Promise<FlightOutcome> {
    const rotated = await this.repos.grants.rotate(grant.grantId, { expectedCurrentHash: presented.hash, newHash: successor.hash });
    if (rotated.status === 'ok') return { status: 'rotated', grant: rotated.grant, scope };
    if (rotated.status === 'not_found') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant vanished');
    return { status: 'moved', current: rotated.current };
  }

  /**
   * RFC 8707 §2.2: a refresh request may name the resource the new access token is for. It must be one the grant
   * covers - the resource(s) of the original authorization; today a grant covers one - and the token is then
   * audience-restricted to it; anything else is `invalid_target` (§2). Without the parameter the token is for the
   * grant's resource. (Several `resource` parameters are refused by the form rules, RFC 6749 §3.2: a token has one
   * audience here.)
   */
  private resourceFor(requested: string | undefined, grant: GrantRecord): string {
    if (requested === undefined) return grant.resource;
    const covered = [grant.resource];
    const matched = matchResource(requested, covered);
    if (matched === undefined) throw new InvalidTarget('resource is not one this grant was authorized for.');
    return matched;
  }

  /** RFC 6749 §6: the scope may be narrowed, never widened. */
  private narrowedScope(requested: string | undefined, granted: string): string {
    if (requested === undefined) return granted;
    const asked = parseScope(requested);
    if (!asked || asked.length === 0) throw new InvalidScope('scope is malformed.');
    const outside = scopesOutside(asked, granted.split(' '));
    if (outside.length > 0) throw new InvalidScope(`scope exceeds the original grant: ${outside.join(' ')}.`);
    return asked.join(' ');
  }

  private respond(grant: GrantRecord, client: OAuthClient, resource: string, scope: string, refreshToken: IssuedRefreshToken): Promise<TokenResponse> {
    return this.issuer.issue({
      grantType: this.grantType,
      client,
      grantId: grant.grantId,
      sub: grant.sub,
      resource,
      scope,
      upstream: grant.upstream,
      refreshToken: refreshToken.token,
    });
  }
}
