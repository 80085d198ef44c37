import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidGrant, InvalidScope, TemporarilyUnavailable, parseScope, scopesOutside } from '@mcp-cognito/oauth';
import { CLOCK, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { GrantRecord, Repositories, UpstreamTokenSet } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import type { OAuthClient } from '../../clients/oauth-client';
import { GrantRevocation } from '../../families/grant-revocation.service';
import { required } from '../../http/form-params';
import { GATEWAY_KEYS, type GatewayKeys } from '../../keys/gateway-keys';
import { CognitoClient, UpstreamRejectedError, UpstreamUnavailableError } from '../../upstream/cognito-client';
import { AccessTokenIssuer } from '../access-token-issuer';
import { RefreshTokens, grantReference, type IssuedRefreshToken } from '../../families/refresh-tokens';
import type { TokenResponse } from '../token-response';
import { openUpstreamValue, sealUpstreamTokens } from '../../families/upstream-token-vault';
import type { GrantHandler } from './grant-handler';

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
 *   refresh); an outage changes nothing stored.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    private readonly cognito: CognitoClient,
    private readonly refreshTokens: RefreshTokens,
    private readonly issuer: AccessTokenIssuer,
    private readonly revocation: GrantRevocation,
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

    let scope = this.narrowedScope(params['scope'], grant.scope);
    if (presented.hash === grant.currentRefreshHash) {
      const successor = this.refreshTokens.successor(presented);
      const { upstream, cognitoScopes } = await this.freshUpstream(grant);
      // A refreshed Cognito token may carry fewer scopes (group or app-client changes): never more.
      const effective = cognitoScopes ? scope.split(' ').filter((s) => cognitoScopes.includes(s)) : scope.split(' ');
      if (effective.length === 0) {
        await this.revocation.revoke(grant.grantId, 'upstream_revoked');
        throw new InvalidGrant('The identity provider no longer grants any of these scopes.', 'no scope left upstream');
      }
      scope = effective.join(' ');
      const rotated = await this.repos.grants.rotate(grant.grantId, {
        expectedCurrentHash: presented.hash,
        newHash: successor.hash,
        updates: upstream === grant.upstream ? undefined : { upstream, expiresAt: this.grantEnd(upstream), scope },
      });
      if (rotated.status === 'ok') {
        this.events.emit('refresh_token.rotated', { client_id: client.clientId, grant: grantReference(grant.grantId), generation: rotated.grant.generation });
        return this.respond(rotated.grant, client, scope, successor);
      }
      if (rotated.status === 'not_found') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant vanished');
      grant = rotated.current; // a concurrent refresh rotated first: fall through to the grace rule
      if (grant.status !== 'active') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant revoked');
    }

    if (presented.hash === grant.previousRefreshHash && (await this.withinGrace(grant, arrivedAt))) {
      const successor = this.refreshTokens.successorCandidates(presented).find((s) => s.hash === grant!.currentRefreshHash);
      // Same token, same successor: a concurrent refresh, or the one retry of a client that lost the answer.
      if (successor) return this.respond(grant, client, scope, successor);
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

  /** RFC 6749 §6: the scope may be narrowed, never widened. */
  private narrowedScope(requested: string | undefined, granted: string): string {
    if (requested === undefined) return granted;
    const asked = parseScope(requested);
    if (!asked || asked.length === 0) throw new InvalidScope('scope is malformed.');
    const outside = scopesOutside(asked, granted.split(' '));
    if (outside.length > 0) throw new InvalidScope(`scope exceeds the original grant: ${outside.join(' ')}.`);
    return asked.join(' ');
  }

  private grantEnd(upstream: UpstreamTokenSet): number {
    const now = epochSeconds(this.clock);
    return Math.min(now + this.config.lifetimes.refreshTokenSeconds, upstream.refreshTokenExpiresAt ?? Number.MAX_SAFE_INTEGER);
  }

  /**
   * The grant's Cognito tokens, refreshed at Cognito only if the stored access token would expire before a new MCP
   * access token (returns the same object when no refresh was needed).
   */
  private async freshUpstream(grant: GrantRecord): Promise<{ upstream: UpstreamTokenSet; cognitoScopes?: string[] }> {
    const now = epochSeconds(this.clock);
    if (grant.upstream.accessTokenExpiresAt > now + this.config.lifetimes.accessTokenSeconds) return { upstream: grant.upstream };
    if (!grant.upstream.refreshToken) throw new InvalidGrant('The sign-in behind this grant has ended.', 'no upstream refresh token');
    const { storageEncryption, cognito } = this.keys;
    let tokens;
    try {
      tokens = await this.cognito.refresh(await openUpstreamValue(storageEncryption, grant.upstream.refreshToken));
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) throw new TemporarilyUnavailable('The identity provider is unavailable; try again shortly.', error.message);
      if (error instanceof UpstreamRejectedError && error.error === 'invalid_grant') {
        // Cognito ended the session (revoked, expired, user disabled): so does our grant.
        await this.revocation.revoke(grant.grantId, 'upstream_revoked');
        throw new InvalidGrant('The sign-in behind this grant has ended.', 'upstream invalid_grant');
      }
      throw error;
    }
    const verified = await cognito.verifyAccessToken(tokens.access_token);
    if (!verified.ok) {
      if (verified.reason === 'jwks_unavailable') throw new TemporarilyUnavailable('The identity provider is unavailable; try again shortly.');
      throw new InvalidGrant('The identity provider returned an invalid token.', verified.reason);
    }
    if (verified.claims.sub !== grant.sub) throw new InvalidGrant('The identity provider returned a token for another user.', 'sub mismatch');
    const sealed = await sealUpstreamTokens(storageEncryption, tokens, verified.claims.exp);
    // Cognito without refresh-token rotation returns no new refresh token: keep the one we have.
    const upstream: UpstreamTokenSet = {
      ...sealed,
      refreshToken: sealed.refreshToken ?? grant.upstream.refreshToken,
      refreshTokenExpiresAt: sealed.refreshToken ? now + this.config.lifetimes.upstreamRefreshTokenSeconds : grant.upstream.refreshTokenExpiresAt,
      idToken: sealed.idToken ?? grant.upstream.idToken,
    };
    return { upstream, cognitoScopes: verified.claims.scopes };
  }

  private respond(grant: GrantRecord, client: OAuthClient, scope: string, refreshToken: IssuedRefreshToken): Promise<TokenResponse> {
    return this.issuer.issue({
      grantType: this.grantType,
      client,
      grantId: grant.grantId,
      sub: grant.sub,
      resource: grant.resource,
      scope,
      upstream: grant.upstream,
      refreshToken: refreshToken.token,
    });
  }
}
