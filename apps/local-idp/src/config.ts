import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { resolveFileVariables } from '@mcp-cognito/config';
import {
  booleanFlag,
  clientId,
  clientSchema,
  clientSecret,
  commaList,
  json,
  origin,
  portNumber,
  rsaPrivateJwk,
  seconds,
  secondsValue,
  uriList,
  type PrivateRsaJwk,
} from './config-values';
export type { PrivateRsaJwk } from './config-values';

import { SUPPORTED_SCOPES } from './scopes';

export { CUSTOM_SCOPES, OIDC_SCOPES, SUPPORTED_SCOPES } from './scopes';

export interface LocalIdpClient {
  clientId: string;
  /** Absent for a public client (Cognito app client without secret): PKCE only, `none` auth. */
  clientSecret?: string;
  clientName?: string;
  redirectUris: string[];
  /** Cognito "Allowed sign-out URLs": the only values accepted as `logout_uri` at /logout. */
  logoutUris: string[];
  /** Cognito "Allowed OAuth scopes". */
  scopes: string[];
  /**
   * Cognito `EnableTokenRevocation` (on by default for new app clients): when off, `/oauth2/revoke` answers
   * 400 `invalid_request`. Can be changed at run time (dev API), like UpdateUserPoolClient.
   */
  enableTokenRevocation: boolean;
}

/** How the `Authorization: Basic` credentials are decoded at `/oauth2/token` and `/oauth2/revoke`. */
export type BasicAuthDecoding = 'cognito' | 'rfc6749';

/** Where the pool's issuer (discovery, JWKS) is served. */
export interface IssuerOrigin {
  /**
   * true (Cognito): discovery and JWKS on their own origin, as `cognito-idp.<region>.amazonaws.com` is apart
   * from the hosted domain; false: under the hosted domain (`<base>/<poolId>`).
   */
  separate: boolean;
  /** Listen port of the issuer origin (`0` = any free port); unused when not separate. */
  port: number;
  /** Public origin of the issuer; undefined only when its port is 0 and no base URL was given. */
  baseUrl?: string;
}

export interface LocalIdpConfig {
  host: string;
  port: number;
  /** Public base URL (hosted-UI domain root). Undefined only when port is 0 and no base URL was given. */
  baseUrl?: string;
  userPoolId: string;
  usersFile: string;
  clients: LocalIdpClient[];
  /** Private RSA JWKs; undefined means "generate one at start". */
  signingJwks?: PrivateRsaJwk[];
  /** Undefined means "random at start" (sessions then do not survive a restart, which is fine locally). */
  cookieKeys?: string[];
  accessTokenTtl: number;
  idTokenTtl: number;
  refreshTokenTtl: number;
  rotateRefreshTokens: boolean;
  /** Cognito `RetryGracePeriodSeconds` (0-60): how long a rotated-out refresh token keeps working. */
  refreshTokenGraceSeconds: number;
  issuerOrigin: IssuerOrigin;
  basicAuth: BasicAuthDecoding;
}


export class LocalIdpConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid local-idp configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'LocalIdpConfigError';
  }
}

const DEFAULT_CLIENT: LocalIdpClient = {
  clientId: 'local-idp-dev-client',
  clientSecret: 'local-idp-dev-secret',
  clientName: 'local-idp default client',
  redirectUris: [
    'http://127.0.0.1:3000/callback',
    'http://localhost:3000/callback',
  ],
  logoutUris: ['http://127.0.0.1:3000/', 'http://localhost:3000/'],
  scopes: [...SUPPORTED_SCOPES],
  enableTokenRevocation: true,
};

const envSchema = z.object({
  LOCAL_IDP_PORT: portNumber.optional().transform((v) => v ?? 9000),
  LOCAL_IDP_HOST: z
    .string()
    .min(1)
    .optional()
    .transform((v) => v ?? '127.0.0.1'),
  // The routes (/oauth2/*, /login, /logout) hang off the root, like Cognito's hosted domain.
  LOCAL_IDP_BASE_URL: origin.optional(),
  LOCAL_IDP_SEPARATE_ISSUER_ORIGIN: booleanFlag(true),
  LOCAL_IDP_ISSUER_PORT: portNumber.optional(),
  LOCAL_IDP_ISSUER_BASE_URL: origin.optional(),
  COGNITO_USER_POOL_ID: z
    .string()
    .regex(
      /^[\w-]+_[0-9a-zA-Z]+$/,
      'must look like a Cognito user pool id, e.g. us-east-1_AbCdEf123',
    )
    .optional()
    .transform((v) => v ?? 'local_devpool'),
  LOCAL_IDP_USERS_FILE: z.string().min(1).optional(),
  COGNITO_CLIENT_ID: clientId.optional(),
  COGNITO_CLIENT_SECRET: clientSecret.optional(),
  LOCAL_IDP_REDIRECT_URIS: commaList.pipe(uriList).optional(),
  LOCAL_IDP_LOGOUT_URIS: commaList.pipe(uriList).optional(),
  LOCAL_IDP_CLIENTS: json(z.array(clientSchema).min(1)).optional(),
  LOCAL_IDP_SIGNING_JWKS: json(
    z.object({ keys: z.array(rsaPrivateJwk).min(1, 'needs at least one key') }),
  ).optional(),
  LOCAL_IDP_COOKIE_KEYS: commaList
    .pipe(
      z
        .array(
          z.string().min(16, 'each cookie key needs at least 16 characters'),
        )
        .min(1),
    )
    .optional(),
  LOCAL_IDP_ACCESS_TOKEN_TTL: seconds(3600),
  LOCAL_IDP_ID_TOKEN_TTL: secondsValue.optional(),
  LOCAL_IDP_REFRESH_TOKEN_TTL: seconds(30 * 24 * 3600),
  LOCAL_IDP_ROTATE_REFRESH_TOKENS: booleanFlag(false),
  LOCAL_IDP_REFRESH_TOKEN_GRACE_SECONDS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of seconds')
    .transform(Number)
    .pipe(z.number().int().min(0).max(60, 'Cognito allows 0-60 seconds'))
    .optional()
    .transform((v) => v ?? 0),
  LOCAL_IDP_ENABLE_TOKEN_REVOCATION: booleanFlag(true),
  LOCAL_IDP_BASIC_AUTH: z
    .enum(['cognito', 'rfc6749'], { error: 'must be cognito or rfc6749' })
    .optional()
    .transform((v) => v ?? 'cognito'),
});

/** Empty strings count as unset: docker-compose and shells often pass `VAR=`. */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** Find the checked-in dev-users.json next to the bundle (copied as an asset) or in the workspace. */
export function defaultUsersFile(): string {
  const candidates = [
    join(__dirname, 'dev-users.json'),
    join(__dirname, '..', 'dev-users.json'),
  ];
  let dir = resolve(process.cwd());
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) {
      candidates.push(join(dir, 'apps', 'local-idp', 'dev-users.json'));
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (
    candidates.find((c) => existsSync(c)) ?? candidates[candidates.length - 1]
  );
}

/** Parse the environment once; every invalid variable is reported in a single LocalIdpConfigError. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
): LocalIdpConfig {
  // Secrets may come as files (`<NAME>_FILE`, e.g. docker compose's generated dev keys), as in the services.
  const files = resolveFileVariables(env, Object.keys(envSchema.shape));
  const parsed = envSchema.safeParse(definedOnly(files.env));
  const problems: string[] = [...files.problems];
  if (!parsed.success || problems.length > 0) {
    for (const issue of parsed.error?.issues ?? []) {
      const [name, ...rest] = issue.path.map(String);
      const where = rest.length ? `${name} (${rest.join('.')})` : name;
      problems.push(`${where}: ${issue.message}`);
    }
    throw new LocalIdpConfigError(problems);
  }
  const e = parsed.data;

  const clients: LocalIdpClient[] = [];
  if (e.COGNITO_CLIENT_ID) {
    if (!e.COGNITO_CLIENT_SECRET) {
      problems.push(
        'COGNITO_CLIENT_SECRET: required when COGNITO_CLIENT_ID is set (the app client is confidential)',
      );
    }
    if (!e.LOCAL_IDP_REDIRECT_URIS?.length) {
      problems.push(
        'LOCAL_IDP_REDIRECT_URIS: required when COGNITO_CLIENT_ID is set (comma separated callback URLs)',
      );
    }
    clients.push({
      clientId: e.COGNITO_CLIENT_ID,
      clientSecret: e.COGNITO_CLIENT_SECRET,
      redirectUris: e.LOCAL_IDP_REDIRECT_URIS ?? [],
      logoutUris: e.LOCAL_IDP_LOGOUT_URIS ?? [],
      scopes: [...SUPPORTED_SCOPES],
      enableTokenRevocation: e.LOCAL_IDP_ENABLE_TOKEN_REVOCATION,
    });
  } else {
    for (const name of [
      'COGNITO_CLIENT_SECRET',
      'LOCAL_IDP_REDIRECT_URIS',
      'LOCAL_IDP_LOGOUT_URIS',
    ] as const) {
      if (e[name] !== undefined)
        problems.push(
          `${name}: only meaningful together with COGNITO_CLIENT_ID`,
        );
    }
  }
  clients.push(...(e.LOCAL_IDP_CLIENTS ?? []));
  const seen = new Set<string>();
  for (const c of clients) {
    if (seen.has(c.clientId))
      problems.push(
        `LOCAL_IDP_CLIENTS: client id "${c.clientId}" is defined twice`,
      );
    seen.add(c.clientId);
  }
  const issuerPort =
    e.LOCAL_IDP_ISSUER_PORT ??
    explicitPort(e.LOCAL_IDP_ISSUER_BASE_URL) ??
    (e.LOCAL_IDP_PORT === 0 ? 0 : e.LOCAL_IDP_PORT + 1);
  if (e.LOCAL_IDP_SEPARATE_ISSUER_ORIGIN) {
    if (issuerPort !== 0 && issuerPort === e.LOCAL_IDP_PORT) {
      problems.push(
        'LOCAL_IDP_ISSUER_PORT: must differ from LOCAL_IDP_PORT (the issuer has its own origin)',
      );
    }
    if (
      e.LOCAL_IDP_ISSUER_BASE_URL &&
      e.LOCAL_IDP_BASE_URL &&
      e.LOCAL_IDP_ISSUER_BASE_URL === e.LOCAL_IDP_BASE_URL
    ) {
      problems.push(
        'LOCAL_IDP_ISSUER_BASE_URL: must differ from LOCAL_IDP_BASE_URL (or set LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=false)',
      );
    }
  } else {
    for (const name of [
      'LOCAL_IDP_ISSUER_PORT',
      'LOCAL_IDP_ISSUER_BASE_URL',
    ] as const) {
      if (e[name] !== undefined)
        problems.push(
          `${name}: only meaningful with LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=true`,
        );
    }
  }
  if (problems.length) throw new LocalIdpConfigError(problems);

  return {
    host: e.LOCAL_IDP_HOST,
    port: e.LOCAL_IDP_PORT,
    baseUrl:
      e.LOCAL_IDP_BASE_URL ??
      (e.LOCAL_IDP_PORT === 0
        ? undefined
        : `http://${hostForUrl(e.LOCAL_IDP_HOST)}:${e.LOCAL_IDP_PORT}`),
    userPoolId: e.COGNITO_USER_POOL_ID,
    usersFile: e.LOCAL_IDP_USERS_FILE
      ? resolve(e.LOCAL_IDP_USERS_FILE)
      : defaultUsersFile(),
    clients: clients.length ? clients : [DEFAULT_CLIENT],
    signingJwks: e.LOCAL_IDP_SIGNING_JWKS?.keys,
    cookieKeys: e.LOCAL_IDP_COOKIE_KEYS,
    accessTokenTtl: e.LOCAL_IDP_ACCESS_TOKEN_TTL,
    // Cognito configures ID and access token validity separately; both default to one hour.
    idTokenTtl: e.LOCAL_IDP_ID_TOKEN_TTL ?? e.LOCAL_IDP_ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.LOCAL_IDP_REFRESH_TOKEN_TTL,
    rotateRefreshTokens: e.LOCAL_IDP_ROTATE_REFRESH_TOKENS,
    refreshTokenGraceSeconds: e.LOCAL_IDP_REFRESH_TOKEN_GRACE_SECONDS,
    issuerOrigin: {
      separate: e.LOCAL_IDP_SEPARATE_ISSUER_ORIGIN,
      port: issuerPort,
      baseUrl:
        e.LOCAL_IDP_ISSUER_BASE_URL ??
        (issuerPort === 0
          ? undefined
          : `http://${hostForUrl(e.LOCAL_IDP_HOST)}:${issuerPort}`),
    },
    basicAuth: e.LOCAL_IDP_BASIC_AUTH,
  };
}

/** The port written in an origin, if any (`http://h:9001` -> 9001; `https://h` -> undefined). */
function explicitPort(originUrl: string | undefined): number | undefined {
  if (!originUrl) return undefined;
  const port = new URL(originUrl).port;
  return port ? Number(port) : undefined;
}

export function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
