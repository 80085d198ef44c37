import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientSecrets } from './cognito/client-secrets';
import { FaultPlan } from './cognito/faults';
import { RefreshTokenRegistry } from './cognito/refresh-token-registry';
import { hostForUrl, type LocalIdpConfig } from './config';
import { createDevApi, DEV_API_PREFIX } from './dev-api/dev-api';
import { SigningKeyRing } from './keys';
import { consoleLogger, type Logger } from './log';
import { buildProvider, ROUTES } from './provider';
import { sendHtml, sendJson } from './routes/http';
import { createLoginHandler } from './routes/login';
import { createLogoutHandler } from './routes/logout';
import { createOAuthFront } from './routes/oauth-front';
import { createUserInfoHandler } from './routes/userinfo';
import { createStats, type LocalIdpStats } from './stats';
import { UserDirectory } from './users';
import { renderError } from './views/error';

export interface LocalIdp {
  /** The hosted-UI domain's server: /oauth2/*, /login, /logout, the dev API. */
  server: Server;
  /** The issuer origin's server (discovery, JWKS), when it is separate (Cognito's layout). */
  issuerServer?: Server;
  /** Public base URL (hosted-UI domain root): /oauth2/*, /login, /logout. */
  url: string;
  /** Origin of the issuer: another origin than `url` unless LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=false. */
  issuerBaseUrl: string;
  /** `<issuerBaseUrl>/<userPoolId>`: token `iss`, discovery and JWKS live below it. */
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
 * Start local-idp: an HTTP server in front of oidc-provider for the hosted domain, and (Cognito's layout) a second
 * one for the issuer origin. The hosted-domain server handles the routes that are Cognito's and not OIDC's
 * (/login, /logout, /oauth2/userInfo, the front of /oauth2/token and /oauth2/revoke, the dev API); everything
 * else goes to oidc-provider.
 */
export async function createLocalIdp(
  config: LocalIdpConfig,
  options: CreateLocalIdpOptions = {},
): Promise<LocalIdp> {
  const log = options.log ?? consoleLogger;
  const users = UserDirectory.fromFile(config.usersFile);
  const keys = await SigningKeyRing.load(config.signingJwks);
  if (keys.generated) {
    log.warn(
      'LOCAL_IDP_SIGNING_JWKS is not set: generated new RSA signing keys. Tokens issued by this process ' +
        'stop verifying after a restart.',
    );
  } else if (keys.shared) {
    log.warn(
      'LOCAL_IDP_SIGNING_JWKS holds one key: ID and access tokens share it. Cognito signs them with two keys ' +
        '(two kids); add a second key (the first signs ID tokens, the second access tokens).',
    );
  }
  const stats = createStats();
  const faults = new FaultPlan();
  const secrets = new ClientSecrets(config.clients);
  const internalSecrets = new Map(
    config.clients
      .filter((c) => c.clientSecret)
      .map((c) => [c.clientId, randomBytes(32).toString('base64url')] as const),
  );
  const refreshTokens = new RefreshTokenRegistry(
    () => config.refreshTokenGraceSeconds,
  );

  // Requests that arrive before the provider exists (port 0: the issuer is known only after listen) wait.
  const app: { hosted?: Handler; issuer?: Handler } = {};
  let ready: () => void = () => undefined;
  const readyPromise = new Promise<void>((r) => (ready = r));

  const serve = (which: 'hosted' | 'issuer') =>
    createServer((req, res) => {
      const started = process.hrtime.bigint();
      // Captured before routing: the pool discovery path is rewritten for oidc-provider.
      const path = loggablePath(req.url);
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`);
      });

      void (async () => {
        try {
          if (!app[which]) await readyPromise;
          const url = new URL(req.url ?? '/', 'http://local-idp.invalid');
          await (app[which] as Handler)(req, res, url);
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

  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  const server = serve('hosted');
  const port = await listen(server, config.port);
  const separate = config.issuerOrigin.separate;
  const issuerServer = separate ? serve('issuer') : undefined;
  const issuerPort = issuerServer
    ? await listen(issuerServer, config.issuerOrigin.port).catch(
        async (err) => {
          await new Promise((r) => server.close(r));
          throw err;
        },
      )
    : port;

  const url = config.baseUrl ?? `http://${hostForUrl(config.host)}:${port}`;
  const issuerBaseUrl = separate
    ? (config.issuerOrigin.baseUrl ??
      `http://${hostForUrl(config.host)}:${issuerPort}`)
    : url;
  const issuer = `${issuerBaseUrl}/${config.userPoolId}`;
  const { provider, accessTokens } = buildProvider({
    config,
    baseUrl: url,
    issuer,
    users,
    keys,
    internalSecrets,
    refreshTokens,
    log,
  });
  const providerCallback = provider.callback();
  const front = (endpoint: 'token' | 'revoke') =>
    createOAuthFront(endpoint, {
      config,
      secrets,
      refreshTokens,
      faults,
      stats,
      internalSecrets,
      provider: providerCallback,
    });

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
    [ROUTES.token]: front('token'),
    [ROUTES.revocation]: front('revoke'),
  };
  // Cognito documents /oauth2/userInfo; accept the lower-case spelling many clients build by hand.
  routes['/oauth2/userinfo'] = routes[ROUTES.userinfo];
  const devApi = createDevApi({ config, stats, faults, keys, secrets });

  const poolDiscovery = `/${config.userPoolId}/.well-known/openid-configuration`;
  const poolJwks = `/${config.userPoolId}/.well-known/jwks.json`;
  const pool: Handler = (req, res, reqUrl) => {
    if (reqUrl.pathname === poolJwks) {
      if (req.method !== 'GET')
        return void res.writeHead(405, { Allow: 'GET' }).end();
      return sendJson(res, 200, keys.publicJwks());
    }
    // oidc-provider serves discovery at a fixed path relative to its mount; Cognito serves it under the pool.
    req.url = `/.well-known/openid-configuration${reqUrl.search}`;
    return providerCallback(req, res);
  };
  const isPoolPath = (p: string) => p === poolDiscovery || p === poolJwks;

  app.hosted = (req, res, reqUrl) => {
    const route = routes[reqUrl.pathname];
    if (route) return route(req, res, reqUrl);
    if (reqUrl.pathname.startsWith(`${DEV_API_PREFIX}/`))
      return devApi(req, res, reqUrl);
    if (isPoolPath(reqUrl.pathname)) {
      if (!separate) return pool(req, res, reqUrl);
      // Cognito's hosted domain serves no discovery or JWKS: they live at cognito-idp.<region>.amazonaws.com.
      return sendJson(res, 404, {
        error: 'not_found',
        error_description: `discovery and keys are at ${issuer}/.well-known/`,
      });
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
  app.issuer = (req, res, reqUrl) => {
    if (isPoolPath(reqUrl.pathname)) return pool(req, res, reqUrl);
    return sendJson(res, 404, {
      error: 'not_found',
      error_description: `this origin serves only ${poolDiscovery} and ${poolJwks}`,
    });
  };
  ready();

  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
      // Browsers and fetch keep connections alive; do not let one hold shutdown for long.
      setTimeout(() => s.closeAllConnections(), 2000).unref();
    });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= Promise.all(
      [server, issuerServer]
        .filter((s): s is Server => s !== undefined)
        .map(closeServer),
    ).then(() => undefined));

  return {
    server,
    issuerServer,
    url,
    issuerBaseUrl,
    issuer,
    users,
    stats,
    close,
  };
}
