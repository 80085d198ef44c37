import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  errors,
  Provider,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { CognitoAccessTokens } from './access-token';
import {
  ID_TOKEN_OPENID_CLAIMS,
  idTokenExtraClaims,
  INTERNAL_CLAIMS,
} from './claims';
import {
  SUPPORTED_SCOPES,
  type LocalIdpClient,
  type LocalIdpConfig,
} from './config';
import type { RefreshTokenRegistry } from './cognito/refresh-token-registry';
import type { SigningKeyRing } from './keys';
import type { Logger } from './log';
import { frontStateOf } from './routes/oauth-front';
import type { UserDirectory } from './users';
import { renderError } from './views/error';
import { HTML_HEADERS } from './views/layout';

/** Cognito's hosted-domain routes. Discovery and JWKS live under the pool (`/<poolId>/.well-known/...`). */
export const ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userInfo',
  revocation: '/oauth2/revoke',
  logout: '/logout',
  login: '/login',
} as const;

export interface ProviderDeps {
  config: LocalIdpConfig;
  baseUrl: string;
  issuer: string;
  users: UserDirectory;
  keys: SigningKeyRing;
  /** The secret oidc-provider knows each confidential client by; clients authenticate at the front (oauth-front.ts). */
  internalSecrets: ReadonlyMap<string, string>;
  refreshTokens: RefreshTokenRegistry;
  log: Logger;
}

export interface BuiltProvider {
  provider: Provider;
  accessTokens: CognitoAccessTokens;
}

function clientMetadata(
  c: LocalIdpClient,
  internalSecret: string | undefined,
): ClientMetadata {
  return {
    client_id: c.clientId,
    ...(internalSecret
      ? {
          client_secret: internalSecret,
          token_endpoint_auth_method: 'client_secret_basic',
        }
      : { token_endpoint_auth_method: 'none' }),
    ...(c.clientName ? { client_name: c.clientName } : {}),
    redirect_uris: c.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // Cognito's "Allowed OAuth scopes": oidc-provider refuses others with invalid_scope.
    scope: c.scopes.join(' '),
    id_token_signed_response_alg: 'RS256',
  };
}

export function buildProvider(deps: ProviderDeps): BuiltProvider {
  const { config, baseUrl, issuer, users, keys, refreshTokens, log } = deps;
  const accessTokens = new CognitoAccessTokens(keys, issuer, users);
  // oidc-provider signs ID tokens with this key; local-idp re-signs them with the pool's ID-token key
  // (access-token.ts), so it is never published.
  const internalKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
  }).privateKey.export({ format: 'jwk' });

  const configuration: Configuration = {
    clients: config.clients.map((c) =>
      clientMetadata(c, deps.internalSecrets.get(c.clientId)),
    ),
    jwks: {
      keys: [
        { ...internalKey, kid: 'oidc-provider-internal', alg: 'RS256' },
      ] as unknown as NonNullable<Configuration['jwks']>['keys'],
    },
    cookies: {
      keys: config.cookieKeys ?? [randomBytes(32).toString('base64url')],
    },
    // Only the bundled in-memory adapter: local-idp is one process, never deployed (see README).
    findAccount: async (ctx, sub, token) => {
      const user = users.findBySub(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: async (use, scope) => {
          // /oauth2/userInfo is served by local-idp itself (routes/userinfo.ts); only ID tokens come here.
          if (use !== 'id_token') return { sub: user.sub };
          const at = ctx.oidc.entities.AccessToken;
          return {
            sub: user.sub,
            ...idTokenExtraClaims(user, {
              grantId: token?.grantId ?? at?.grantId,
              accessToken: at ? await accessTokens.forContext(ctx) : undefined,
              scopes: new Set(scope.split(' ')),
            }),
          };
        },
      };
    },
    claims: {
      openid: [...ID_TOKEN_OPENID_CLAIMS],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    scopes: [...SUPPORTED_SCOPES],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // Cognito puts every scope-permitted attribute in the ID token, not only at userInfo.
    conformIdTokenClaims: false,
    // Cognito requires redirect_uri on /oauth2/authorize even with one registered callback.
    allowOmittingSingleRegisteredRedirectUri: false,
    // Cognito: PKCE optional, S256 only. oidc-provider 9 supports S256 only.
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: false },
      // Cognito's /logout is not OIDC RP-initiated logout; local-idp serves it (routes/logout.ts).
      rpInitiatedLogout: { enabled: false },
      // No resource indicators: Cognito access tokens carry every granted scope and no audience.
      resourceIndicators: { enabled: false },
      revocation: {
        enabled: true,
        // Only the app client a token was issued to may revoke it (Cognito requires the same client).
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId !== client.clientId) {
            throw new errors.InvalidRequest(
              'client is not authorized to revoke the presented token',
            );
          }
          return true;
        },
      },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      registration: { enabled: false },
      // Neither exists at Cognito; leaving them on would advertise endpoints and proofs Cognito lacks.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
    },
    routes: {
      authorization: ROUTES.authorization,
      token: ROUTES.token,
      revocation: ROUTES.revocation,
      jwks: `/${config.userPoolId}/.well-known/jwks.json`,
    },
    interactions: {
      url: (_ctx, interaction) =>
        `${ROUTES.login}?${new URLSearchParams({
          client_id: String(interaction.params['client_id'] ?? ''),
          uid: interaction.uid,
        }).toString()}`,
    },
    // Cognito has no consent screen and keeps every sign-in separate: each authorization gets a fresh grant
    // (= one refresh-token family = Cognito's origin_jti), so revoking one refresh token never ends another.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        jti: randomUUID(),
        accountId: session.accountId,
        clientId: client.clientId,
      } as ConstructorParameters<typeof ctx.oidc.provider.Grant>[0]);
      const scopes = [...ctx.oidc.requestParamOIDCScopes];
      if (scopes.length) grant.addOIDCScope(scopes.join(' '));
      const claims = [...ctx.oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    // Cognito issues a refresh token with every authorization_code grant that includes openid.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('openid'),
    // oidc-provider keeps one refresh token per sign-in; Cognito's rotation (new token per refresh, grace
    // period, original expiry, no family revocation) is played by cognito/refresh-token-registry.ts.
    rotateRefreshToken: false,
    // Cognito's /logout ends the hosted-UI session but not issued tokens; tokens must not die with the session.
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: config.accessTokenTtl,
      IdToken: config.idTokenTtl,
      // Cognito authorization codes live 5 minutes.
      AuthorizationCode: 300,
      // The sign-in's refresh token; rotated client-facing tokens keep this expiry (refresh-token-registry.ts).
      RefreshToken: config.refreshTokenTtl,
      Grant: config.refreshTokenTtl,
      // Cognito's hosted-UI session cookie lasts one hour.
      Session: 3600,
      Interaction: 3600,
    },
    renderError: async (ctx, out) => {
      ctx.set(HTML_HEADERS);
      ctx.type = 'html';
      ctx.body = renderError(
        'Something went wrong',
        out['error_description'] ?? 'The request was invalid.',
        out.error,
      );
    },
  };

  const provider = new Provider(issuer, configuration);

  // oidc-provider logs nothing by itself; surface server errors (never request data) on stderr.
  provider.on('server_error', (_ctx: unknown, err: Error) =>
    log.error(`server_error: ${err.message}`),
  );

  // Cognito's authorization response is `?code=...&state=...` without RFC 9207's `iss`. oidc-provider always
  // adds it; this event fires synchronously with the very object it is about to redirect with.
  provider.on('authorization.success', (_ctx, out) => {
    if (out) delete out['iss'];
  });

  provider.use(async (ctx, next) => {
    await next();
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    const route = oidcCtx.oidc?.route;
    if (route === 'token') await afterToken(oidcCtx);
    else if (route === 'discovery')
      rewriteDiscovery(ctx.body as Record<string, unknown>);
  });

  async function afterToken(ctx: KoaContextWithOIDC): Promise<void> {
    const grantType = ctx.oidc.params?.['grant_type'] as string | undefined;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status !== 200 || !body || typeof body['access_token'] !== 'string')
      return;
    body['access_token'] = await accessTokens.forContext(ctx);
    if (typeof body['id_token'] === 'string')
      body['id_token'] = await accessTokens.resignIdToken(body['id_token']);
    // Cognito's token response has no `scope` member.
    delete body['scope'];
    const front = frontStateOf(ctx.req);
    const inner = body['refresh_token'];
    if (
      grantType === 'authorization_code' &&
      typeof inner === 'string' &&
      front
    ) {
      body['refresh_token'] = refreshTokens.issue(
        inner,
        front.clientId,
        Math.floor(Date.now() / 1000) + config.refreshTokenTtl,
      );
    } else if (grantType === 'refresh_token') {
      delete body['refresh_token'];
      // Rotation on: a new refresh token for the remaining time of the original, the presented one retires
      // after the grace period. Off: Cognito answers with access + ID token only.
      if (config.rotateRefreshTokens && front?.presentedRefreshToken) {
        body['refresh_token'] = refreshTokens.issue(
          String(ctx.oidc.params?.['refresh_token']),
          front.clientId,
          front.refreshTokenExpiresAt as number,
        );
        refreshTokens.markRotated(front.presentedRefreshToken);
      }
    }
  }

  /**
   * The discovery document must name the routes clients really use, and not depend on the Host header the
   * request came with: Cognito's is fixed. Nothing here is advertised that local-idp does not serve.
   */
  function rewriteDiscovery(doc: Record<string, unknown> | undefined): void {
    if (!doc || typeof doc !== 'object') return;
    doc['issuer'] = issuer;
    doc['authorization_endpoint'] = `${baseUrl}${ROUTES.authorization}`;
    doc['token_endpoint'] = `${baseUrl}${ROUTES.token}`;
    doc['userinfo_endpoint'] = `${baseUrl}${ROUTES.userinfo}`;
    doc['revocation_endpoint'] = `${baseUrl}${ROUTES.revocation}`;
    doc['jwks_uri'] = `${issuer}/.well-known/jwks.json`;
    delete doc['authorization_response_iss_parameter_supported'];
    if (Array.isArray(doc['claims_supported'])) {
      doc['claims_supported'] = (doc['claims_supported'] as string[]).filter(
        (c) => !INTERNAL_CLAIMS.has(c),
      );
    }
  }

  return { provider, accessTokens };
}
