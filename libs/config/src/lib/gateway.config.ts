import { z } from 'zod';
import { cognitoEnvSchema, toCognitoConfig, type CognitoConfig } from './cognito.config';
import { envBoolean, envInt, envList, envPublicUrl, envUrlList } from './env-parsing';
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
  /** The MCP resources (RFC 8707) this gateway issues tokens for: canonical MCP endpoint URLs. */
  MCP_RESOURCES: envUrlList(),
  /**
   * The MCP server registry, locally: a JSON array of registrations (libs/contracts `McpServerRegistration`), set by
   * the local stack from the workspace's manifests.
   */
  MCP_SERVERS: z.string().trim().optional(),
  /**
   * The MCP server registry, in AWS: the SSM path under which every server's stack writes its registration
   * (`/mcp-cognito/<stage>/mcp-servers/`).
   */
  MCP_SERVER_REGISTRY_PATH: z.string().trim().optional(),
  /** Scopes clients may ask for (Cognito resource-server scopes). */
  GATEWAY_SCOPES: envList().default(['mcp-server/read', 'mcp-server/write']),
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
  resources: string[];
  scopes: string[];
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
  const e = parseEnvironment('auth-gateway', gatewayEnvSchema, env);
  return {
    service: 'auth-gateway',
    runtime: toRuntimeConfig(e, e.PORT),
    dynamodb: toDynamoDbConfig(e),
    cognito: { ...toCognitoConfig(e), clientSecrets: e.COGNITO_CLIENT_SECRET, upstreamTimeoutMs: e.COGNITO_TIMEOUT_MS },
    issuer: e.GATEWAY_ISSUER,
    resources: e.MCP_RESOURCES,
    scopes: e.GATEWAY_SCOPES,
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
