import { decodeJwt, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { accessTokenClaims } from './claims';
import type { SigningKeyRing } from './keys';
import type { UserDirectory } from './users';

type AccessTokenEntity = NonNullable<
  KoaContextWithOIDC['oidc']['entities']['AccessToken']
>;

/**
 * Cognito access tokens are RS256 JWTs without `aud` and without a `typ` header, usable both at
 * /oauth2/userInfo and at resource servers. oidc-provider cannot issue that: its JWT access tokens require an
 * audience (lib/models/formats/jwt.js throws without one), carry `typ: at+jwt`, and its userinfo endpoint
 * refuses any token with an audience. So oidc-provider issues an opaque access token internally, and local-idp
 * replaces it in the token response with a JWT minted here from the same entity (same account, client, grant,
 * scope and lifetime). /oauth2/userInfo is served by local-idp and checks that JWT plus its grant.
 */
export class CognitoAccessTokens {
  private readonly minted = new WeakMap<object, Promise<string>>();

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly issuer: string,
    private readonly users: UserDirectory,
  ) {}

  /**
   * The JWT for the access token oidc-provider just created in this request. Memoised per entity because it is
   * needed twice: for the ID token's at_hash and for the token response.
   */
  forContext(ctx: KoaContextWithOIDC): Promise<string> {
    const at = ctx.oidc.entities.AccessToken;
    if (!at) throw new Error('no access token in this request');
    let jwt = this.minted.get(at);
    if (!jwt) {
      jwt = this.mint(ctx, at);
      this.minted.set(at, jwt);
    }
    return jwt;
  }

  private async mint(
    ctx: KoaContextWithOIDC,
    at: AccessTokenEntity,
  ): Promise<string> {
    const user = this.users.findBySub(at.accountId ?? '');
    if (!user || !at.grantId || !at.clientId)
      throw new Error('access token without user, grant or client');
    const source =
      ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
    const iat = Math.floor(Date.now() / 1000);
    const claims = accessTokenClaims({
      user,
      issuer: this.issuer,
      clientId: at.clientId,
      grantId: at.grantId,
      scope: at.scope ?? '',
      authTime: source?.authTime ?? iat,
      iat,
      // at.expiration is what the token response reports as expires_in, so exp - iat == expires_in.
      exp: iat + at.expiration,
    });
    const { kid, key } = this.keys.signingKey('access');
    return new SignJWT(claims)
      .setProtectedHeader({ kid, alg: 'RS256' })
      .sign(key);
  }

  /**
   * oidc-provider builds the ID token (claims, `at_hash`, `nonce`, lifetimes); local-idp signs it with the pool's
   * current ID-token key, so that ID and access tokens carry different `kid`s (as Cognito's do) and key rotation
   * at run time reaches ID tokens too. oidc-provider's own signing key is internal and never published.
   */
  async resignIdToken(idToken: string): Promise<string> {
    const { kid, key } = this.keys.signingKey('id');
    return new SignJWT(decodeJwt(idToken))
      .setProtectedHeader({ kid, alg: 'RS256' })
      .sign(key);
  }

  /** Signature, issuer, expiry and token_use; revocation is checked by the caller against the grant. */
  async verify(
    token: string,
  ): Promise<JWTPayload & { origin_jti?: string; scope?: string }> {
    const { payload } = await jwtVerify(token, this.keys.verificationKeys, {
      issuer: this.issuer,
      algorithms: ['RS256'],
    });
    if (payload['token_use'] !== 'access')
      throw new Error('not an access token');
    return payload;
  }
}
