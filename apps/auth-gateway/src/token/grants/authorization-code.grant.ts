import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidGrant, InvalidTarget, matchResource, verifyPkceS256 } from '@mcp-cognito/oauth';
import { CLOCK, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import { startedBeforeRevocation, type Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { GrantRevocation } from '../../families/grant-revocation.service';
import { required } from '../../http/form-params';
import { sha256Hex } from '../../keys/secrets';
import { AccessTokenIssuer } from '../access-token-issuer';
import { RefreshTokens, grantReference, newGrantId } from '../../families/refresh-tokens';
import type { TokenResponse } from '../token-response';
import type { GrantHandler } from './grant-handler';

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, OAuth 2.1 §4.1.3, RFC 7636 §4.6, RFC 8707 §2.2).
 * Every check runs against a read of the code first, so a request that fails validation changes nothing; only then
 * is the grant created and the code consumed (one conditional write), in that order (RFC 6749 §10.5 under races).
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: ClientRegistry,
    private readonly refreshTokens: RefreshTokens,
    private readonly issuer: AccessTokenIssuer,
    private readonly revocation: GrantRevocation,
    private readonly events: SecurityEvents,
  ) {}

  async handle(params: Record<string, string>, client: OAuthClient): Promise<TokenResponse> {
    const codeHash = sha256Hex(required(params, 'code'));
    const seen = await this.repos.authorizationCodes.inspect(codeHash);
    if (seen.status !== 'live') {
      // Unknown, expired - or already redeemed: a replay revokes what the first redemption issued.
      if (seen.status === 'replayed') await this.replayed(seen.record.clientId, seen.record.grantId);
      throw new InvalidGrant('The authorization code is invalid, expired or already used.', `code ${seen.status}`);
    }
    const record = seen.record;
    // The code is bound to the client, the redirect URI, the PKCE challenge and the resource.
    if (record.clientId !== client.clientId) throw new InvalidGrant('The authorization code was issued to another client.', 'client mismatch');
    // RFC 6749 §4.1.3: required (and identical) when it was sent at /authorize; optional when omitted there.
    const sentRedirect = params['redirect_uri'];
    if (sentRedirect === undefined ? !record.redirectUriOmitted : sentRedirect !== record.redirectUri) {
      throw new InvalidGrant('redirect_uri does not match the authorization request.');
    }
    if (!verifyPkceS256(params['code_verifier'], record.codeChallenge)) throw new InvalidGrant('PKCE verification failed.', 'code_verifier mismatch');
    if (params['resource'] !== undefined && matchResource(params['resource'], [record.resource]) !== record.resource) {
      throw new InvalidTarget('resource does not match the authorization request.');
    }

    // RFC 6749 §10.5 under races: the grant exists BEFORE the code names it. A replay that finds the code consumed
    // then always finds the grant it names and revokes it, even while this request is still minting; the other order
    // left a window in which the replay found no grant and the first redemption's tokens lived on.
    const grantId = newGrantId();
    const now = epochSeconds(this.clock);
    const refresh = this.refreshTokens.first(grantId);
    const upstreamRefreshEnd = record.upstream.refreshTokenExpiresAt ?? now + this.config.lifetimes.refreshTokenSeconds;
    const authorizedAt = record.authorizationStartedAt ?? record.createdAt;
    await this.repos.grants.create({
      grantId,
      clientId: client.clientId,
      sub: record.sub,
      username: record.username,
      scope: record.scope,
      resource: record.resource,
      redirectUri: record.redirectUri,
      currentRefreshHash: refresh.hash,
      upstream: record.upstream,
      authorizedAt,
      // Our refresh lifetime never outlives Cognito's refresh token.
      expiresAt: Math.min(now + this.config.lifetimes.refreshTokenSeconds, upstreamRefreshEnd),
    });
    // A sign-in that was in flight when its user was revoked (offboarding, "sign out everywhere", a Cognito disable)
    // gets no tokens. Read AFTER the grant (and its user index item) exists: a revocation writes its marker before it
    // lists the user's grants, so either this read sees the marker, or the revocation's listing sees this grant and
    // ends it (and names it in the feed) - no order of the two leaves a grant behind.
    if (startedBeforeRevocation(authorizedAt, await this.repos.userRevocations.get(record.sub))) {
      await this.revocation.revoke(grantId, 'code_not_redeemed');
      throw new InvalidGrant('The authorization code is invalid, expired or already used.', 'user revoked after the sign-in began');
    }
    const consumed = await this.repos.authorizationCodes.consume(codeHash, { grantId });
    if (consumed.status !== 'ok') {
      // Nothing of this grant was handed out: end it, and if another request redeemed the code, that one too.
      await this.revocation.revoke(grantId, consumed.status === 'replayed' ? 'code_replay' : 'code_not_redeemed');
      if (consumed.status === 'replayed') await this.replayed(consumed.record.clientId, consumed.record.grantId);
      throw new InvalidGrant('The authorization code is invalid, expired or already used.', `code ${consumed.status}`);
    }
    this.events.emit('authorization_code.consumed', { client_id: client.clientId, sub: record.sub, grant: grantReference(grantId) });

    let response: TokenResponse;
    try {
      response = await this.issuer.issue({
        grantType: this.grantType,
        client,
        grantId,
        sub: record.sub,
        resource: record.resource,
        scope: record.scope,
        upstream: record.upstream,
        refreshToken: client.grantTypes.includes('refresh_token') ? refresh.token : undefined,
      });
    } catch (error) {
      // No token left this server: the grant made for it must not outlive the failure.
      await this.revocation.revoke(grantId, 'code_not_redeemed');
      throw error;
    }
    await this.clients.markUsed(client);
    return response;
  }

  /** RFC 6749 §10.5 / OAuth 2.1 §4.1.3: a second redemption revokes the tokens issued for the code. */
  private async replayed(clientId: string, grantId: string | undefined): Promise<void> {
    this.events.emit('authorization_code.replayed', { client_id: clientId, grant: grantId === undefined ? undefined : grantReference(grantId) });
    if (grantId) await this.revocation.revoke(grantId, 'code_replay');
  }
}
