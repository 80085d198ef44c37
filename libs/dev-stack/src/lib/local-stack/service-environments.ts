import { readMcpServerManifests, registrationFor, type McpServerManifest } from '@mcp-cognito/contracts';
import { GATEWAY_SIGN_OUT_PATHS } from '@mcp-cognito/routing';
import type { DevSecrets } from './dev-secrets';
import { findWorkspaceRoot } from './workspace-root';

export const LOCAL_USER_POOL_ID = 'local_devpool';
export const LOCAL_COGNITO_CLIENT_ID = 'mcp-gateway-local';

export interface ServiceEnvironmentInput {
  secrets: DevSecrets;
  dynamoEndpoint: string;
  /** local-idp's hosted-UI domain (the Cognito domain: /oauth2/*, /login, /logout). */
  idpUrl: string;
  /**
   * local-idp's issuer origin (discovery, JWKS), apart from the domain as `cognito-idp.<region>.amazonaws.com` is in
   * AWS. Absent: the issuer lives under `idpUrl` (LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=false), for callers that only need
   * a working Cognito stand-in.
   */
  idpIssuerUrl?: string;
  /** The gateway's public URL: its issuer. */
  gatewayUrl: string;
  /** The tools service's public URL; the MCP resource is `<toolsUrl>/mcp`. */
  toolsUrl: string;
  /**
   * Every MCP server of the stack with its public origin (the proxy's in single-origin mode, its own otherwise). The
   * gateway learns them as registrations (`MCP_SERVERS`, `MCP_RESOURCES`); each gets its own environment. Default:
   * mcp-tools alone at `toolsUrl`.
   */
  servers?: ReadonlyArray<{ manifest: McpServerManifest; origin: string }>;
  /** Extra gateway callback URLs local-idp must accept (several gateway instances in tests). */
  extraCallbackUrls?: string[];
  logLevel?: string;
  logFormat?: 'json' | 'pretty';
}

/**
 * The environment of each service in the local stack - the same variable names docker-compose and
 * the AWS task definitions use (docs/architecture.md#local-stack), defined once for `npm start`, the tests and e2e.
 * Ports (`PORT`, `LOCAL_IDP_PORT`) are added by the caller.
 */
export function buildServiceEnvironments(input: ServiceEnvironmentInput): {
  idp: Record<string, string>;
  gateway: Record<string, string>;
  tools: Record<string, string>;
  /** Each MCP server's environment by its name (mcp-tools' is also `tools`). */
  servers: Record<string, Record<string, string>>;
} {
  const { secrets } = input;
  const cognitoIssuer = `${input.idpIssuerUrl ?? input.idpUrl}/${LOCAL_USER_POOL_ID}`;
  const common = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: input.logLevel ?? 'info',
    LOG_FORMAT: input.logFormat ?? 'json',
    AWS_REGION: 'us-east-1',
    // DynamoDB Local accepts only alphanumeric access keys.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: input.dynamoEndpoint,
    DYNAMODB_TABLE: 'mcp-cognito',
    DYNAMODB_CREATE_TABLE: 'true',
    COGNITO_USER_POOL_ID: LOCAL_USER_POOL_ID,
    COGNITO_CLIENT_ID: LOCAL_COGNITO_CLIENT_ID,
    COGNITO_DOMAIN: input.idpUrl,
    COGNITO_ISSUER: cognitoIssuer,
    COGNITO_REGION: 'us-east-1',
  };
  const mcpUrl = `${input.toolsUrl}/mcp`;
  const registrations = (input.servers ?? [{ manifest: mcpToolsManifest(), origin: input.toolsUrl }]).map((s) => registrationFor(s.manifest, s.origin));
  const serverEnv = (resource: string, scopes: readonly string[]) => ({
    ...common,
    MCP_RESOURCE: resource,
    MCP_SCOPES: scopes.join(','),
    GATEWAY_ISSUER: input.gatewayUrl,
    TOKEN_ENCRYPTION_KEYS: secrets.tokenEncryptionKeys,
    // The MCP Inspector's default origin; other browser origins are refused (DNS rebinding).
    ALLOWED_ORIGINS: 'http://localhost:6274,http://127.0.0.1:6274',
  });
  const servers = Object.fromEntries(registrations.map((r) => [r.name, serverEnv(r.resource, Object.keys(r.scopes))]));
  return {
    idp: {
      LOCAL_IDP_HOST: '127.0.0.1',
      LOCAL_IDP_BASE_URL: input.idpUrl,
      ...(input.idpIssuerUrl ? { LOCAL_IDP_ISSUER_BASE_URL: input.idpIssuerUrl } : { LOCAL_IDP_SEPARATE_ISSUER_ORIGIN: 'false' }),
      COGNITO_USER_POOL_ID: LOCAL_USER_POOL_ID,
      COGNITO_CLIENT_ID: LOCAL_COGNITO_CLIENT_ID,
      COGNITO_CLIENT_SECRET: secrets.cognitoClientSecret,
      LOCAL_IDP_REDIRECT_URIS: [`${input.gatewayUrl}/callback`, ...(input.extraCallbackUrls ?? [])].join(','),
      LOCAL_IDP_LOGOUT_URIS: [input.gatewayUrl, ...(input.extraCallbackUrls ?? []).map((u) => new URL(u).origin)]
        .map((origin) => `${origin}${GATEWAY_SIGN_OUT_PATHS.signedOut}`)
        .join(','),
      LOCAL_IDP_SIGNING_JWKS: secrets.localIdpSigningJwks,
      LOCAL_IDP_COOKIE_KEYS: secrets.localIdpCookieKeys,
    },
    gateway: {
      ...common,
      COGNITO_CLIENT_SECRET: secrets.cognitoClientSecret,
      GATEWAY_ISSUER: input.gatewayUrl,
      // The registry (docs/architecture.md#mcp-server-registry): locally one JSON array, in AWS SSM parameters.
      MCP_SERVERS: JSON.stringify(registrations),
      GATEWAY_SIGNING_KEYS: secrets.gatewaySigningKeys,
      TOKEN_ENCRYPTION_KEYS: secrets.tokenEncryptionKeys,
      STORAGE_ENCRYPTION_KEYS: secrets.storageEncryptionKeys,
      COOKIE_SECRET: secrets.cookieSecret,
      REFRESH_TOKEN_KEYS: secrets.refreshTokenKeys,
    },
    // The server at /mcp keeps its own name in the local stack's API (instances, ports, env), as before.
    tools: servers['mcp-tools'] ?? serverEnv(mcpUrl, ['mcp-server/read', 'mcp-server/write']),
    servers,
  };
}

/** mcp-tools' manifest (apps/mcp-tools/mcp-server.json): the default server of callers that name none. */
function mcpToolsManifest(): McpServerManifest {
  const manifest = readMcpServerManifests(findWorkspaceRoot()).find((m) => m.path === '/mcp');
  if (!manifest) throw new Error('no MCP server at /mcp in this workspace (apps/*/mcp-server.json)');
  return manifest;
}
