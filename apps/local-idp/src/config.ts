import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { isLoopbackHost, resolveFileVariables } from '@mcp-cognito/config';

/**
 * Scopes local-idp knows. `mcp-server/*` mirror the Cognito resource server (identifier `mcp-server`) that
 * infra/ creates; Cognito writes custom scopes as `<resource server id>/<scope>`.
 */
export const OIDC_SCOPES = ['openid', 'email', 'profile'] as const;
export const CUSTOM_SCOPES = ['mcp-server/read', 'mcp-server/write'] as const;
export const SUPPORTED_SCOPES: readonly string[] = [
  ...OIDC_SCOPES,
  ...CUSTOM_SCOPES,
];

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
}

export interface PrivateRsaJwk {
  kty: 'RSA';
  n: string;
  e: string;
  d: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  kid?: string;
  alg?: string;
  use?: string;
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
};

/** Cognito accepts https callback URLs, and plain http only for localhost testing; never fragments. */
function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL`;
  }
  if (url.hash) return `"${value}" must not contain a fragment`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname))
    return undefined;
  if (url.protocol === 'http:')
    return `"${value}" uses http on a non-loopback host (only https or http://localhost|127.0.0.1|[::1])`;
  // Private-use schemes (com.example.app:/cb) are allowed by Cognito for native apps.
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return `"${value}" has an unsupported scheme ${url.protocol}`;
}

const uriList = z.array(z.string()).superRefine((uris, ctx) => {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

// Cognito client ids are [\w+]+ (26 chars in practice); secrets are opaque strings without whitespace.
const clientId = z
  .string()
  .regex(/^[\w+.-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9_+.-]');
const clientSecret = z
  .string()
  .regex(/^\S{1,256}$/, 'must be 1-256 non-whitespace characters');

const clientSchema = z
  .object({
    clientId,
    clientSecret: clientSecret.optional(),
    clientName: z.string().max(128).optional(),
    redirectUris: uriList.min(1, 'at least one redirect URI is required'),
    logoutUris: uriList.default([]),
    scopes: z
      .array(z.enum(SUPPORTED_SCOPES as [string, ...string[]]))
      .min(1)
      .default([...SUPPORTED_SCOPES]),
  })
  .strict();

/** Parse a JSON env value inside zod, so a syntax error is reported beside every other problem. */
function json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `not valid JSON (${(err as Error).message})`,
        });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const secondsValue = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of seconds')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1)
      .max(10 * 365 * 24 * 3600),
  );
const seconds = (fallback: number) =>
  secondsValue.optional().transform((v) => v ?? fallback);

const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const rsaPrivateJwk = z
  .looseObject({
    kty: z.literal('RSA', {
      error: 'only RSA keys are supported (Cognito signs with RS256)',
    }),
    n: z.string().min(1),
    e: z.string().min(1),
    d: z.string({ error: 'must be a private key (missing "d")' }).min(1),
    kid: z.string().min(1).optional(),
    alg: z.literal('RS256').optional(),
    use: z.literal('sig').optional(),
  })
  .transform((k) => k as unknown as PrivateRsaJwk);

const envSchema = z.object({
  LOCAL_IDP_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535))
    .optional()
    .transform((v) => v ?? 9000),
  LOCAL_IDP_HOST: z
    .string()
    .min(1)
    .optional()
    .transform((v) => v ?? '127.0.0.1'),
  LOCAL_IDP_BASE_URL: z
    .string()
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be an absolute http(s) URL',
        });
        return;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: 'must use http or https' });
      }
      // The routes (/oauth2/*, /login, /<poolId>/...) hang off the root, like Cognito's hosted domain.
      if (url.pathname !== '/' || url.search || url.hash) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be an origin without path, query or fragment',
        });
      }
    })
    .transform((v) => new URL(v).origin)
    .optional(),
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
  LOCAL_IDP_ROTATE_REFRESH_TOKENS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      error: 'must be true or false',
    })
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
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
  };
}

export function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
