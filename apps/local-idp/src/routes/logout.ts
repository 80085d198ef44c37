import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { LocalIdpConfig } from '../config';
import { renderError } from '../views/error';
import { ROUTES } from '../provider';
import { sendHtml } from './http';

/**
 * GET /logout, Cognito style (not OIDC RP-initiated logout): `client_id` plus either `logout_uri` (one of the
 * client's allowed sign-out URLs; redirected to after the hosted-UI session is cleared) or the parameters of a
 * new authorization request (`redirect_uri`, `response_type`, ...; the user is sent to sign in again).
 * Like Cognito, it ends only the hosted-UI session: refresh tokens stay valid until revoked.
 */
export function createLogoutHandler(deps: {
  provider: Provider;
  config: LocalIdpConfig;
}) {
  const { provider, config } = deps;

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const params = url.searchParams;
    const client = config.clients.find(
      (c) => c.clientId === params.get('client_id'),
    );
    if (!client) {
      sendHtml(
        res,
        400,
        renderError(
          'Sign-out failed',
          'Unknown or missing client_id.',
          'invalid_request',
        ),
      );
      return;
    }

    let location: string;
    const logoutUri = params.get('logout_uri');
    const redirectUri = params.get('redirect_uri');
    if (logoutUri !== null) {
      if (!client.logoutUris.includes(logoutUri)) {
        sendHtml(
          res,
          400,
          renderError(
            'Sign-out failed',
            'logout_uri is not an allowed sign-out URL of this client.',
            'invalid_request',
          ),
        );
        return;
      }
      location = logoutUri;
    } else if (
      redirectUri !== null &&
      client.redirectUris.includes(redirectUri)
    ) {
      const again = new URLSearchParams(params);
      location = `${ROUTES.authorization}?${again.toString()}`;
    } else {
      sendHtml(
        res,
        400,
        renderError(
          'Sign-out failed',
          'Provide logout_uri, or a registered redirect_uri to sign in again.',
          'invalid_request',
        ),
      );
      return;
    }

    // Destroy oidc-provider's session and expire its cookie (same name, path and signing as when it was set).
    const ctx = provider.createContext(req, res);
    const session = await provider.Session.get(ctx as never);
    if (session.accountId) await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null, {
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
    });

    res.statusCode = 302;
    res.setHeader('Location', location);
    res.setHeader('Cache-Control', 'no-store');
    res.end();
  };
}
