import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostForUrl, type LocalIdpConfig } from './config';
import { loadSigningKeys } from './keys';
import { consoleLogger, type Logger } from './log';
import { buildProvider, ROUTES } from './provider';
import { sendHtml, sendJson } from './routes/http';
import { createLoginHandler } from './routes/login';
import { createLogoutHandler } from './routes/logout';
import { createUserInfoHandler } from './routes/userinfo';
import { createStats, type LocalIdpStats } from './stats';
import { UserDirectory } from './users';
import { renderError } from './views/error';

export const STATS_PATH = '/__local-idp/stats';

export interface LocalIdp {
  server: Server;
  /** Public base URL (hosted-UI domain root): /oauth2/*, /login, /logout. */
  url: string;
  /** `<url>/<userPoolId>`: token `iss`, discovery and JWKS live below it. */
  issuer: string;
  users: UserDirectory;
  stats: LocalIdpStats;
  close(): Promise<void>;
}

export interface CreateLocalIdpOptions {
  log?: Logger;
}

/**
 * Path only: the query string can carry codes, state and PKCE values. The interaction id in oidc-provider's
 * resume path is also the value of its interaction cookie, so it is masked too.
 */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0];
  return path.replace(/^(\/oauth2\/authorize\/)[^/]+/, '$1:uid');
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<void> | void;

/**
 * Start local-idp: an HTTP server in front of oidc-provider. The server handles the routes that are Cognito's
 * and not OIDC's (/login, /logout, /oauth2/userInfo, the dev stats) and maps the pool-scoped discovery path;
 * everything else goes to oidc-provider.
 */
export async function createLocalIdp(
  config: LocalIdpConfig,
  options: CreateLocalIdpOptions = {},
): Promise<LocalIdp> {
  const log = options.log ?? consoleLogger;
  const users = UserDirectory.fromFile(config.usersFile);
  const keys = await loadSigningKeys(config.signingJwks);
  if (keys.generated) {
    log.warn(
      'LOCAL_IDP_SIGNING_JWKS is not set: generated a new RSA signing key. Tokens issued by this process ' +
        'stop verifying after a restart.',
    );
  }
  const stats = createStats();

  // Requests that arrive before the provider exists (port 0: the issuer is known only after listen) wait.
  const app: { dispatch?: Handler } = {};
  let ready: () => void = () => undefined;
  const readyPromise = new Promise<void>((r) => (ready = r));

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    // Captured before routing: the pool discovery path is rewritten for oidc-provider.
    const path = loggablePath(req.url);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });

    void (async () => {
      try {
        if (!app.dispatch) await readyPromise;
        const url = new URL(req.url ?? '/', 'http://local-idp.invalid');
        await (app.dispatch as Handler)(req, res, url);
      } catch (err) {
        log.error(
          `unhandled error on ${req.method} ${path}: ${(err as Error).message}`,
        );
        if (!res.headersSent)
          sendHtml(
            res,
            500,
            renderError(
              'Server error',
              'local-idp failed to handle the request.',
            ),
          );
        else res.destroy();
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const url = config.baseUrl ?? `http://${hostForUrl(config.host)}:${port}`;
  const issuer = `${url}/${config.userPoolId}`;
  const { provider, accessTokens } = buildProvider({
    config,
    baseUrl: url,
    issuer,
    users,
    keys,
    stats,
    log,
  });
  const providerCallback = provider.callback();

  const csrfKey =
    config.cookieKeys?.[0] ?? randomBytes(32).toString('base64url');
  const routes: Record<string, Handler> = {
    [ROUTES.login]: createLoginHandler({
      provider,
      config,
      users,
      stats,
      csrfKey,
    }),
    [ROUTES.logout]: createLogoutHandler({ provider, config }),
    [ROUTES.userinfo]: createUserInfoHandler({
      provider,
      accessTokens,
      users,
      stats,
    }),
    [STATS_PATH]: (req, res) => {
      if (req.method !== 'GET')
        return void res.writeHead(405, { Allow: 'GET' }).end();
      sendJson(res, 200, stats);
    },
  };
  // Cognito documents /oauth2/userInfo; accept the lower-case spelling many clients build by hand.
  routes['/oauth2/userinfo'] = routes[ROUTES.userinfo];

  const poolDiscovery = `/${config.userPoolId}/.well-known/openid-configuration`;

  app.dispatch = (req, res, reqUrl) => {
    const route = routes[reqUrl.pathname];
    if (route) return route(req, res, reqUrl);
    if (reqUrl.pathname === poolDiscovery) {
      // oidc-provider serves discovery at a fixed path relative to its mount; Cognito serves it under the pool.
      req.url = `/.well-known/openid-configuration${reqUrl.search}`;
      return providerCallback(req, res);
    }
    if (reqUrl.pathname === '/.well-known/openid-configuration') {
      // Not Cognito's: the hosted domain has no discovery document. Refuse so nobody depends on it.
      return sendJson(res, 404, {
        error: 'not_found',
        error_description: `discovery is at ${issuer}/.well-known/openid-configuration`,
      });
    }
    return providerCallback(req, res);
  };
  ready();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Browsers and fetch keep connections alive; do not let one hold shutdown for long.
      setTimeout(() => server.closeAllConnections(), 2000).unref();
    }));

  return { server, url, issuer, users, stats, close };
}
