import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type StrategyOptionsWithRequest } from 'passport-oauth2';
import type { Request } from 'express';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import { verifyCognitoTokens } from '@mcp-cognito/tokens';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { UpstreamBrowserBinding } from './browser-binding';
import { CognitoClient, type CognitoTokenResponse } from './cognito-client';
import { PendingAuthorizationStore } from './pending-authorization.store';

/** The verified outcome of the upstream leg. */
export interface UpstreamUser {
  sub: string;
  username: string;
  /** Scopes Cognito granted (resource-server scopes included). */
  scopes: string[];
  /** The user's Cognito groups (`cognito:groups` of the access token). */
  groups: string[];
  tokens: CognitoTokenResponse;
  accessTokenExpiresAt: number;
}

/** Cognito returned tokens that fail verification (wrong issuer, client, token_use, signature...). */
export class UpstreamTokenInvalidError extends Error {
  /** Why libs/tokens refused the tokens (`jwks_unavailable` is an outage, not a bad token). */
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * The upstream leg (docs/architecture.md#the-flow) on @nestjs/passport + passport-oauth2: the gateway is a
 * confidential Cognito app client with its own PKCE pair and a DynamoDB-backed state store. The
 * token exchange goes through {@link CognitoClient} (timeouts, typed outage vs rejection), and the
 * returned tokens are verified before anything is stored.
 */
@Injectable()
export class CognitoStrategy extends PassportStrategy(Strategy, 'cognito', 6) {
  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(REPOSITORIES) repos: Repositories,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    cognitoClient: CognitoClient,
    binding: UpstreamBrowserBinding,
  ) {
    super({
      authorizationURL: config.cognito.authorizeUrl,
      tokenURL: config.cognito.tokenUrl,
      clientID: config.cognito.clientId,
      clientSecret: config.cognito.clientSecrets[0],
      callbackURL: `${config.issuer}/callback`,
      pkce: true,
      state: true,
      store: new PendingAuthorizationStore(repos, config.lifetimes.pendingAuthorizationSeconds, binding),
      passReqToCallback: true,
      skipUserProfile: true,
    } as unknown as StrategyOptionsWithRequest);
    // Replace node-oauth's exchange (no timeout, secret in the body) with the gateway's client.
    const oauth2 = (this as unknown as { _oauth2: { getOAuthAccessToken: unknown } })._oauth2;
    oauth2.getOAuthAccessToken = (
      code: string,
      params: { redirect_uri: string; code_verifier: string },
      done: (err: unknown, accessToken?: string, refreshToken?: string, results?: CognitoTokenResponse) => void,
    ) => {
      cognitoClient.exchangeCode(code, params.redirect_uri, params.code_verifier).then(
        (tokens) => done(null, tokens.access_token, tokens.refresh_token, tokens),
        (err: unknown) => done(err),
      );
    };
  }

  /** passport-oauth2 wraps exchange errors; keep ours intact so the callback can classify them. */
  _createOAuthError(_message: string, err: unknown): unknown {
    return err;
  }

  async validate(_req: Request, _accessToken: string, _refreshToken: string, params: CognitoTokenResponse): Promise<UpstreamUser> {
    const checked = await verifyCognitoTokens(this.keys.cognito, { accessToken: params.access_token, idToken: params.id_token || undefined });
    if (!checked.ok) {
      const message =
        checked.reason === 'binding_mismatch'
          ? 'Cognito ID and access tokens name different users'
          : `Cognito ${checked.token === 'access' ? 'access' : 'ID'} token rejected: ${checked.reason}`;
      throw new UpstreamTokenInvalidError(message, checked.reason);
    }
    return {
      sub: checked.access.sub,
      username: checked.access.username,
      scopes: checked.access.scopes,
      groups: checked.access.groups,
      tokens: params,
      accessTokenExpiresAt: checked.access.exp,
    };
  }
}
