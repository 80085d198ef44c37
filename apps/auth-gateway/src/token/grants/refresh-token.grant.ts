import { Injectable } from '@nestjs/common';
import { InvalidGrant, InvalidScope, TemporarilyUnavailable, parseScope, scopesOutside } from '@mcp-cognito/oauth';
import { MintError, mintAccessToken } from '@mcp-cognito/tokens';
import type { GrantRecord, UpstreamTokenSet } from '@mcp-cognito/storage';
import type { OAuthClient } from '../../clients/oauth-client';
import { purposeMac, sha256Hex } from '../../http/secrets';
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../upstream/cognito-client';
import { parseRefreshToken } from '../refresh-token-format';
import { required } from '../token-request';
import type { TokenResponse } from '../token-response';
import { openUpstreamValue, sealUpstreamTokens } from '../upstream-token-vault';
import { GrantContext, type GrantHandler } from './grant-context';

/**
 * `grant_type=refresh_token` (RFC 6749 §6, OAuth 2.1 §4.3, DESIGN.md §2.7 and §3).
 *
 * - Rotation on every use, as one conditional UpdateItem on the grant family.
 * - The successor of a refresh token is *derived* from it (HMAC under a server key), so every
 *   concurrent or retried refresh with the same token inside the grace window receives the same
 *   new refresh token and a fresh access token: nobody is locked out, and no extra state is kept.
 * - A rotated-out token used after the grace window (or any older one) is reuse: the family and the
 *   Cognito refresh token are revoked (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2).
 * - Cognito is called only when its stored access token would expire before the new MCP token
 *   (lazy upstream refresh); an outage changes nothing stored.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(private readonly ctx: GrantContext) {}

  /** The successor of `token` in its family: deterministic, unguessable without the server key. */
  private successor(token: string, grantId: string): string {
    return `${grantId}.${purposeMac(this.ctx.config.keys.cookieSecret, 'refresh-rotation', token)}`;
  }

  async handle(params: Record<string, string>, client: OAuthClient): Promise<TokenResponse> {
    const presented = required(params, 'refresh_token');
    const parsed = parseRefreshToken(presented);
    if (!parsed) throw new InvalidGrant('The refresh token is invalid.', 'malformed');
    let grant = await this.ctx.repos.grants.get(parsed.grantId);
    if (!grant || grant.status !== 'active') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', grant ? 'grant revoked' : 'no grant');
    if (grant.clientId !== client.clientId) throw new InvalidGrant('The refresh token was issued to another client.', 'client mismatch');

    let scope = this.narrowedScope(params['scope'], grant.scope);
    const successor = this.successor(presented, grant.grantId);
    const successorHash = sha256Hex(successor);

    if (parsed.hash === grant.currentRefreshHash) {
      const { upstream, cognitoScopes } = await this.freshUpstream(grant);
      // A refreshed Cognito token may carry fewer scopes (group or app-client changes): never more.
      const effective = cognitoScopes ? scope.split(' ').filter((s) => cognitoScopes.includes(s)) : scope.split(' ');
      if (effective.length === 0) {
        await this.ctx.revokeGrant(grant.grantId, 'upstream_revoked');
        throw new InvalidGrant('The identity provider no longer grants any of these scopes.', 'no scope left upstream');
      }
      scope = effective.join(' ');
      const rotated = await this.ctx.repos.grants.rotate(grant.grantId, {
        expectedCurrentHash: parsed.hash,
        newHash: successorHash,
        updates: upstream === grant.upstream ? undefined : { upstream, expiresAt: this.grantEnd(upstream), scope },
      });
      if (rotated.status === 'ok') {
        this.ctx.events.emit('refresh_token.rotated', { client_id: client.clientId, grant_id: grant.grantId, generation: rotated.grant.generation });
        return this.respond(rotated.grant, client, scope, successor);
      }
      if (rotated.status === 'not_found') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant vanished');
      grant = rotated.current; // a concurrent refresh rotated first: fall through to the grace rule
      if (grant.status !== 'active') throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'grant revoked');
    }

    const graceEnd = (grant.rotatedAt ?? 0) + this.ctx.config.lifetimes.refreshGraceSeconds;
    if (parsed.hash === grant.previousRefreshHash && grant.currentRefreshHash === successorHash && this.ctx.nowSeconds() <= graceEnd) {
      // Same token, same successor: a concurrent or retried refresh inside the grace window.
      return this.respond(grant, client, scope, successor);
    }

    this.ctx.events.emit('refresh_token.reused', { client_id: client.clientId, grant_id: grant.grantId, sub: grant.sub });
    await this.ctx.revokeGrant(grant.grantId, 'refresh_token_reuse');
    throw new InvalidGrant('The refresh token is invalid, expired or revoked.', 'reuse detected');
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
    const now = this.ctx.nowSeconds();
    return Math.min(now + this.ctx.config.lifetimes.refreshTokenSeconds, upstream.refreshTokenExpiresAt ?? Number.MAX_SAFE_INTEGER);
  }

  /**
   * The grant's Cognito tokens, refreshed at Cognito only if the stored access token would expire
   * before a new MCP access token (returns the same object when no refresh was needed).
   */
  private async freshUpstream(grant: GrantRecord): Promise<{ upstream: UpstreamTokenSet; cognitoScopes?: string[] }> {
    const now = this.ctx.nowSeconds();
    if (grant.upstream.accessTokenExpiresAt > now + this.ctx.config.lifetimes.accessTokenSeconds) return { upstream: grant.upstream };
    if (!grant.upstream.refreshToken) throw new InvalidGrant('The sign-in behind this grant has ended.', 'no upstream refresh token');
    const { storageEncryption, cognito } = this.ctx.keys;
    let tokens;
    try {
      tokens = await this.ctx.cognito.refresh(await openUpstreamValue(storageEncryption, grant.upstream.refreshToken));
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) throw new TemporarilyUnavailable('The identity provider is unavailable; try again shortly.', error.message);
      if (error instanceof UpstreamRejectedError && error.error === 'invalid_grant') {
        // Cognito ended the session (revoked, expired, user disabled): so does our grant.
        await this.ctx.revokeGrant(grant.grantId, 'upstream_revoked');
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
      refreshTokenExpiresAt: sealed.refreshToken
        ? now + this.ctx.config.lifetimes.upstreamRefreshTokenSeconds
        : grant.upstream.refreshTokenExpiresAt,
      idToken: sealed.idToken ?? grant.upstream.idToken,
    };
    return { upstream, cognitoScopes: verified.claims.scopes };
  }

  private async respond(grant: GrantRecord, client: OAuthClient, scope: string, refreshToken: string): Promise<TokenResponse> {
    const cognitoAccessToken = await openUpstreamValue(this.ctx.keys.storageEncryption, grant.upstream.accessToken);
    let minted;
    try {
      minted = await mintAccessToken(
        { subject: grant.sub, audience: grant.resource, clientId: client.clientId, scope, cognitoAccessToken },
        this.ctx.keys.signer,
      );
    } catch (error) {
      if (error instanceof MintError) throw new InvalidGrant('The sign-in behind this grant has ended.', error.message);
      throw error;
    }
    this.ctx.events.emit('token.issued', { grant_type: this.grantType, client_id: client.clientId, sub: grant.sub, grant_id: grant.grantId, jti: minted.jti });
    return { access_token: minted.token, token_type: 'Bearer', expires_in: minted.expiresIn, refresh_token: refreshToken, scope };
  }
}
