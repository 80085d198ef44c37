import { z } from 'zod';
import { McpServerManifestError, parseMcpServerRegistration, type McpServerRegistration } from '@mcp-cognito/contracts';
import { ConfigError } from './config-error';
import { cognitoEnvSchema, toCognitoConfig, type CognitoConfig } from './cognito.config';
import { envBoolean, envInt, envJson, envList, envPublicUrl, envUrlList } from './env-parsing';
import { envJwkSet, envSecret } from './key-material';
import { parseEnvironment } from './parse-environment';
import {
  runtimeEnvSchema,
  toDynamoDbConfig,
  toRuntimeConfig,
  type DynamoDbConfig,
  type RuntimeConfig,
} from './runtime.config';

const DAY = 86_400;

export const gatewayEnvSchema = runtimeEnvSchema.extend({
  ...cognitoEnvSchema.shape,
  PORT: envInt(3000, 1, 65535),
  /**
   * The gateway's Cognito app client secret; during a rotation two, comma separated: the first is used, the second
   * is tried when Cognito answers `invalid_client` (Cognito allows two active secrets per app client; its secrets
   * are `[\w+]` only, so a comma cannot be part of one).
   */
  COGNITO_CLIENT_SECRET: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(
      z
        .array(z.string().min(1, 'has an empty secret').regex(/^\S+$/, 'a secret must not contain whitespace'))
        .min(1)
        .max(2, 'holds at most two secrets (the new one first, then the one being retired)'),
    ),
  /** The issuer: the public base URL of the gateway, byte-identical in metadata, `iss` and PRM. */
  GATEWAY_ISSUER: envPublicUrl(),
  /**
   * The MCP servers this gateway issues tokens for, as a JSON array of registrations (libs/contracts
   * `McpServerRegistration`: name, title, path, resource, scopes with descriptions, optional scopeGroups and
   * scopeSource). The local stack builds it from the workspace's `apps/<name>/mcp-server.json` files.
   */
  MCP_SERVERS: envJson((value) => {
    if (!Array.isArray(value)) throw new McpServerManifestError('must be a JSON array of registrations');
    return value.map((item, i) => parseMcpServerRegistration(item, `[${i}]`));
  }).optional(),
  /**
   * The run-time registry in AWS: an SSM parameter path (`/mcp-cognito/<stage>/mcp-servers/`) under which each MCP
   * server's own stack publishes its registration; read with GetParametersByPath and cached for
   * MCP_SERVER_REGISTRY_TTL seconds, so servers come and go without a gateway deployment.
   */
  MCP_SERVER_REGISTRY_PATH: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9_.\-/]*\/$/, 'must be an SSM parameter path that starts and ends with "/"')
    .optional(),
  MCP_SERVER_REGISTRY_TTL: envInt(30, 5, 3600),
  /**
   * The short form for one or more resources sharing GATEWAY_SCOPES (Cognito resource-server scopes): canonical MCP
   * endpoint URLs (RFC 8707). Kept for single-server set-ups; MCP_SERVERS or the registry path say more.
   */
  MCP_RESOURCES: envUrlList().optional(),
  /** Scopes of the MCP_RESOURCES servers (Cognito resource-server scopes). */
  GATEWAY_SCOPES: envList().default(['mcp-server/read', 'mcp-server/write']),
  /**
   * RFC 7662 introspection credentials of resource servers, locally: a JSON object `{ "<server name>": "<secret>" }`
   * (HTTP Basic, the server's name as the user name). In AWS each server's stack keeps its own secret in Secrets
   * Manager under RESOURCE_SERVER_CREDENTIALS_PREFIX + name, read on first use.
   */
  RESOURCE_SERVER_SECRETS: envJson((value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object of name -> secret');
    for (const [name, secret] of Object.entries(value)) {
      if (typeof secret !== 'string' || secret.length < 32) throw new Error(`the secret of ${name} must be a string of at least 32 characters`);
    }
    return value as Record<string, string>;
  }).optional(),
  RESOURCE_SERVER_CREDENTIALS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9/_+=.@-]+\/$/, 'must be a Secrets Manager name prefix ending in "/"')
    .optional(),
  /** Introspection requests per resource server and minute, per gateway instance. */
  INTROSPECTION_RATE_LIMIT: envInt(1200, 1, 1_000_000),
  /** Introspection honours the revocation feed as the MCP servers do: read every this many ms (libs/config mcp-server). */
  REVOCATION_POLL_MS: envInt(5000, 500, 60_000),
  /** While the feed cannot be read, introspection answers as before for this long past a missed read, then 503. */
  REVOCATION_FAIL_OPEN_MS: envInt(30_000, 0, 3_600_000),
  GATEWAY_SIGNING_KEYS: envJwkSet(),
  GATEWAY_SIGNING_KEY_ID: z.string().trim().min(1).optional(),
  TOKEN_ENCRYPTION_KEYS: envJwkSet(),
  STORAGE_ENCRYPTION_KEYS: envJwkSet(),
  /** HMAC key for the gateway's cookies (consent CSRF, remembered consent, upstream browser binding). */
  COOKIE_SECRET: envSecret(),
  /** HS256 `oct` JWK Set that MACs refresh tokens and derives their successors (first key MACs, all verify). */
  REFRESH_TOKEN_KEYS: envJwkSet(),
  /** Short by default: access tokens are self-contained and not revocable (README "Tokens"). */
  ACCESS_TOKEN_TTL: envInt(900, 30, DAY),
  REFRESH_TOKEN_TTL: envInt(30 * DAY, 60, 365 * DAY),
  AUTHORIZATION_CODE_TTL: envInt(60, 5, 600),
  PENDING_AUTHORIZATION_TTL: envInt(600, 60, 3600),
  REFRESH_GRACE_SECONDS: envInt(10, 0, 60),
  /** Lifetime of Cognito's refresh tokens (the app client's setting): our grants never outlive it. */
  COGNITO_REFRESH_TOKEN_TTL: envInt(30 * DAY, 3600, 3650 * DAY),
  /** How long the gateway waits for Cognito's token and revocation endpoints. */
  COGNITO_TIMEOUT_MS: envInt(5000, 100, 60_000),
  /** Dynamic registrations that are never used expire after this many seconds. */
  UNUSED_CLIENT_TTL: envInt(7 * DAY, 300, 365 * DAY),
  REGISTRATION_RATE_LIMIT: envInt(20, 1, 100_000),
  REGISTRATION_RATE_WINDOW: envInt(60, 1, DAY),
  /** Sign-ins handed to Cognito per source address and window (each stores a pending request until it ends or expires). */
  SIGNIN_RATE_LIMIT: envInt(60, 1, 100_000),
  SIGNIN_RATE_WINDOW: envInt(600, 1, DAY),
  /** Pre-registered clients: a JSON array of RFC 7591 client metadata with `client_id`. */
  STATIC_CLIENTS: z.string().trim().optional(),
  /** Client ID Metadata Documents: hosts allowed over loopback/private addresses (development only). */
  CIMD_ALLOWED_PRIVATE_HOSTS: envList(),
  /** Trust `X-Forwarded-*` from this many proxies (CloudFront + ALB = 2). */
  TRUST_PROXY_HOPS: envInt(0, 0, 5),
  /** Mark cookies `Secure` and use the `__Host-` prefix; forced on when the issuer is https. */
  SECURE_COOKIES: envBoolean(false),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export interface GatewayConfig {
  service: 'auth-gateway';
  runtime: RuntimeConfig;
  dynamodb: DynamoDbConfig;
  /** `clientSecrets`: one, or two during a rotation (the first is used; the second when Cognito refuses the first). */
  cognito: CognitoConfig & { clientSecrets: string[]; upstreamTimeoutMs: number };
  issuer: string;
  /** The MCP servers: static registrations (MCP_SERVERS, then MCP_RESOURCES + GATEWAY_SCOPES) and the run-time registry. */
  servers: { static: McpServerRegistration[]; registryPath?: string; registryTtlSeconds: number };
  /** Introspection callers (RFC 7662): static secrets and/or the Secrets Manager prefix. */
  resourceServers: { secrets: Readonly<Record<string, string>>; secretPrefix?: string; introspectionRateLimit: number };
  /** The revocation feed as introspection reads it (the same rules as the MCP servers' gate). */
  revocation: { pollMs: number; failOpenMs: number };
  keys: {
    signingKeys: string;
    signingKeyId?: string;
    tokenEncryptionKeys: string;
    storageEncryptionKeys: string;
    cookieSecret: string;
    refreshTokenKeys: string;
  };
  lifetimes: {
    accessTokenSeconds: number;
    refreshTokenSeconds: number;
    authorizationCodeSeconds: number;
    pendingAuthorizationSeconds: number;
    refreshGraceSeconds: number;
    upstreamRefreshTokenSeconds: number;
    unusedClientSeconds: number;
  };
  registration: { rateLimit: number; rateWindowSeconds: number; staticClientsJson?: string };
  /** Sign-ins handed to Cognito, per source address and window. */
  signIns: { rateLimit: number; rateWindowSeconds: number };
  cimd: { allowedPrivateHosts: string[] };
  http: { trustProxyHops: number; secureCookies: boolean };
}

/** Parses the gateway's environment once; throws a {@link ConfigError} listing every problem. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const noServers = !['MCP_SERVERS', 'MCP_SERVER_REGISTRY_PATH', 'MCP_RESOURCES'].some((name) => (env[name] ?? '').trim() !== '');
  const serversProblem = 'MCP_RESOURCES (or MCP_SERVERS, or MCP_SERVER_REGISTRY_PATH) is required: the gateway must know at least one MCP server';
  let e: GatewayEnv;
  try {
    e = parseEnvironment('auth-gateway', gatewayEnvSchema, env);
  } catch (error) {
    if (error instanceof ConfigError && noServers) throw new ConfigError('auth-gateway', [...error.problems, serversProblem]);
    throw error;
  }
  if (noServers) throw new ConfigError('auth-gateway', [serversProblem]);
  return {
    service: 'auth-gateway',
    runtime: toRuntimeConfig(e, e.PORT),
    dynamodb: toDynamoDbConfig(e),
    cognito: { ...toCognitoConfig(e), clientSecrets: e.COGNITO_CLIENT_SECRET, upstreamTimeoutMs: e.COGNITO_TIMEOUT_MS },
    issuer: e.GATEWAY_ISSUER,
    servers: {
      static: staticServers(e.MCP_SERVERS ?? [], e.MCP_RESOURCES ?? [], e.GATEWAY_SCOPES),
      registryPath: e.MCP_SERVER_REGISTRY_PATH,
      registryTtlSeconds: e.MCP_SERVER_REGISTRY_TTL,
    },
    resourceServers: { secrets: e.RESOURCE_SERVER_SECRETS ?? {}, secretPrefix: e.RESOURCE_SERVER_CREDENTIALS_PREFIX, introspectionRateLimit: e.INTROSPECTION_RATE_LIMIT },
    revocation: { pollMs: e.REVOCATION_POLL_MS, failOpenMs: e.REVOCATION_FAIL_OPEN_MS },
    keys: {
      signingKeys: e.GATEWAY_SIGNING_KEYS,
      signingKeyId: e.GATEWAY_SIGNING_KEY_ID,
      tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEYS,
      storageEncryptionKeys: e.STORAGE_ENCRYPTION_KEYS,
      cookieSecret: e.COOKIE_SECRET,
      refreshTokenKeys: e.REFRESH_TOKEN_KEYS,
    },
    lifetimes: {
      accessTokenSeconds: e.ACCESS_TOKEN_TTL,
      refreshTokenSeconds: e.REFRESH_TOKEN_TTL,
      authorizationCodeSeconds: e.AUTHORIZATION_CODE_TTL,
      pendingAuthorizationSeconds: e.PENDING_AUTHORIZATION_TTL,
      refreshGraceSeconds: e.REFRESH_GRACE_SECONDS,
      upstreamRefreshTokenSeconds: e.COGNITO_REFRESH_TOKEN_TTL,
      unusedClientSeconds: e.UNUSED_CLIENT_TTL,
    },
    registration: {
      rateLimit: e.REGISTRATION_RATE_LIMIT,
      rateWindowSeconds: e.REGISTRATION_RATE_WINDOW,
      staticClientsJson: e.STATIC_CLIENTS,
    },
    signIns: { rateLimit: e.SIGNIN_RATE_LIMIT, rateWindowSeconds: e.SIGNIN_RATE_WINDOW },
    cimd: { allowedPrivateHosts: e.CIMD_ALLOWED_PRIVATE_HOSTS },
    // An https issuer means a real deployment: cookies are always Secure there.
    http: { trustProxyHops: e.TRUST_PROXY_HOPS, secureCookies: e.SECURE_COOKIES || e.GATEWAY_ISSUER.startsWith('https:') },
  };
}

/** What the consent page says for a scope of the short form (MCP_RESOURCES) that has no description of its own. */
const SHORT_FORM_SCOPE_TEXT: Readonly<Record<string, string>> = {
  'mcp-server/read': 'Read data through the MCP server',
  'mcp-server/write': 'Create, change and delete data through the MCP server',
};

/**
 * Static registrations: MCP_SERVERS as given, then each MCP_RESOURCES URL as a server with GATEWAY_SCOPES decided by
 * Cognito (the short form). Two registrations of one resource are a configuration error.
 */
function staticServers(servers: McpServerRegistration[], shortForm: string[], scopes: string[]): McpServerRegistration[] {
  const out = [...servers];
  for (const resource of shortForm) {
    const path = new URL(resource).pathname;
    const name = path.split('/').filter(Boolean)[0] ?? 'mcp';
    out.push(
      Object.freeze({
        name,
        title: `MCP server ${new URL(resource).host}${path}`,
        path,
        resource,
        scopeSource: 'cognito' as const,
        scopes: Object.freeze(Object.fromEntries(scopes.map((s) => [s, SHORT_FORM_SCOPE_TEXT[s] ?? `Access with the scope ${s}`]))),
      }),
    );
  }
  const seen = new Set<string>();
  for (const server of out) {
    if (seen.has(server.resource)) throw new ConfigError('auth-gateway', [`the MCP server ${server.resource} is registered twice (MCP_SERVERS and MCP_RESOURCES)`]);
    seen.add(server.resource);
  }
  return out;
}
