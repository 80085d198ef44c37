import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors as joseErrors } from 'jose';
import type { Provider } from 'oidc-provider';
import type { CognitoAccessTokens } from '../access-token';
import { userInfoClaims } from '../claims';
import type { LocalIdpStats } from '../stats';
import type { UserDirectory } from '../users';
import { sendJson } from './http';

/**
 * GET/POST /oauth2/userInfo with `Authorization: Bearer <Cognito access token>`. Served here rather than by
 * oidc-provider because the access token is local-idp's own JWT (see access-token.ts). A token whose grant is
 * gone (refresh token revoked, grant expired) is refused, which is how Cognito treats tokens with a revoked
 * origin_jti.
 */
export function createUserInfoHandler(deps: {
  provider: Provider;
  accessTokens: CognitoAccessTokens;
  users: UserDirectory;
  stats: LocalIdpStats;
}) {
  const { provider, accessTokens, users, stats } = deps;

  const fail = (
    res: ServerResponse,
    status: number,
    error: string,
    description: string,
  ) => {
    stats.userInfo.failed += 1;
    sendJson(
      res,
      status,
      { error, error_description: description },
      {
        'WWW-Authenticate': `Bearer error="${error}", error_description="${description}"`,
      },
    );
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' }).end();
      return;
    }
    stats.userInfo.total += 1;

    const match = /^Bearer +([\w.~+/-]+=*)$/i.exec(
      req.headers.authorization ?? '',
    );
    if (!match) {
      fail(
        res,
        401,
        'invalid_request',
        'Missing Bearer access token in the Authorization header',
      );
      return;
    }

    let payload: Awaited<ReturnType<CognitoAccessTokens['verify']>>;
    try {
      payload = await accessTokens.verify(match[1]);
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired;
      fail(
        res,
        401,
        'invalid_token',
        expired ? 'Access token is expired' : 'Invalid access token',
      );
      return;
    }

    const grant = payload.origin_jti
      ? await provider.Grant.find(payload.origin_jti)
      : undefined;
    if (
      !grant ||
      grant.accountId !== payload.sub ||
      grant.clientId !== payload['client_id']
    ) {
      fail(res, 401, 'invalid_token', 'Access token has been revoked');
      return;
    }

    const scopes = new Set(String(payload.scope ?? '').split(' '));
    if (!scopes.has('openid')) {
      fail(
        res,
        403,
        'insufficient_scope',
        'Access token does not contain openid scope',
      );
      return;
    }

    const user = users.findBySub(String(payload.sub));
    if (!user) {
      fail(res, 401, 'invalid_token', 'User does not exist');
      return;
    }
    sendJson(res, 200, userInfoClaims(user, scopes));
  };
}
