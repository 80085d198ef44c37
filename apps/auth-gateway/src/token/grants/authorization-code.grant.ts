import { Injectable } from '@nestjs/common';
import { InvalidGrant, InvalidTarget, matchResource, verifyPkceS256 } from '@mcp-cognito/oauth';
import { MintError, mintAccessToken } from '@mcp-cognito/tokens';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { sha256Hex } from '../../http/secrets';
import { newGrantId, newRefreshToken } from '../refresh-token-format';
import { required } from '../token-request';
import type { TokenResponse } from '../token-response';
import { openUpstreamValue } from '../upstream-token-vault';
import { GrantContext, type GrantHandler } from './grant-context';

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, OAuth 2.1 §4.1.3, RFC 7636 §4.6, RFC 8707 §2.2).
 * Every check runs against a read of the code first, so a request that fails validation changes
 * nothing; only then is the code consumed by one conditional write.
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';

  constructor(
    private readonly ctx: GrantContext,
    private readonly clients: ClientRegistry,
  ) {}

  async handle(params: Record<string, string>, client: OAuthClient): Promise<TokenResponse> {
    const { repos, config, keys, events } = this.ctx;
    const codeHash = sha256Hex(required(params, 'code'));
    const seen = await repos.authorizationCodes.inspect(codeHash);
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

    const grantId = newGrantId();
    const consumed = await repos.authorizationCodes.consume(codeHash, { grantId });
    if (consumed.status !== 'ok') {
      if (consumed.status === 'replayed') await this.replayed(consumed.record.clientId, consumed.record.grantId);
      throw new InvalidGrant('The authorization code is invalid, expired or already used.', `code ${consumed.status}`);
    }
    events.emit('authorization_code.consumed', { client_id: client.clientId, sub: record.sub, grant_id: grantId });

    const cognitoAccessToken = await openUpstreamValue(keys.storageEncryption, record.upstream.accessToken);
    let minted;
    try {
      minted = await mintAccessToken(
        { subject: record.sub, audience: record.resource, clientId: client.clientId, scope: record.scope, cognitoAccessToken },
        keys.signer,
      );
    } catch (error) {
      if (error instanceof MintError) throw new InvalidGrant('The sign-in behind this code is no longer valid.', error.message);
      throw error;
    }

    const now = this.ctx.nowSeconds();
    const refresh = newRefreshToken(grantId);
    const upstreamRefreshEnd = record.upstream.refreshTokenExpiresAt ?? now + config.lifetimes.refreshTokenSeconds;
    await repos.grants.create({
      grantId,
      clientId: client.clientId,
      sub: record.sub,
      username: record.username,
      scope: record.scope,
      resource: record.resource,
      currentRefreshHash: refresh.hash,
      upstream: record.upstream,
      // Our refresh lifetime never outlives Cognito's refresh token.
      expiresAt: Math.min(now + config.lifetimes.refreshTokenSeconds, upstreamRefreshEnd),
    });
    await this.clients.markUsed(client);
    events.emit('token.issued', { grant_type: this.grantType, client_id: client.clientId, sub: record.sub, grant_id: grantId, jti: minted.jti });
    return {
      access_token: minted.token,
      token_type: 'Bearer',
      expires_in: minted.expiresIn,
      ...(client.grantTypes.includes('refresh_token') ? { refresh_token: refresh.token } : {}),
      scope: record.scope,
    };
  }

  /** RFC 6749 §10.5 / OAuth 2.1 §4.1.3: a second redemption revokes the tokens issued for the code. */
  private async replayed(clientId: string, grantId: string | undefined): Promise<void> {
    this.ctx.events.emit('authorization_code.replayed', { client_id: clientId, grant_id: grantId });
    if (grantId) await this.ctx.revokeGrant(grantId, 'code_replay');
  }
}
