import { z } from 'zod';
import { cognitoEnvSchema, toCognitoConfig, type CognitoConfig } from './cognito.config';
import { envInt, envList, envPublicUrl } from './env-parsing';
import { envJwkSet } from './key-material';
import { parseEnvironment } from './parse-environment';
import {
  runtimeEnvSchema,
  toDynamoDbConfig,
  toRuntimeConfig,
  type DynamoDbConfig,
  type RuntimeConfig,
} from './runtime.config';

/** The environment of every MCP server built on the server kit (mcp-tools and the servers the generator makes). */
export const mcpServerEnvSchema = runtimeEnvSchema.extend({
  ...cognitoEnvSchema.shape,
  PORT: envInt(3001, 1, 65535),
  /** This server's canonical resource URL (RFC 8707/9728): the MCP endpoint, no trailing slash. */
  MCP_RESOURCE: envPublicUrl(),
  /** The gateway's issuer; tokens must carry exactly this `iss`. */
  GATEWAY_ISSUER: envPublicUrl(),
  /** Where the gateway's JWKS is fetched from; defaults to `<GATEWAY_ISSUER>/.well-known/jwks.json`. */
  GATEWAY_JWKS_URL: envPublicUrl().optional(),
  /** Decrypts the `cognito_token` claim (shared with the gateway). */
  TOKEN_ENCRYPTION_KEYS: envJwkSet(),
  /**
   * Browser origins allowed to call the MCP endpoint (DNS-rebinding protection), besides the server's own origin
   * (same-origin requests are never DNS rebinding); requests without Origin pass.
   */
  ALLOWED_ORIGINS: envList(),
  /** Scopes advertised in the Protected Resource Metadata and the 401 challenge. */
  MCP_SCOPES: envList().default(['mcp-server/read', 'mcp-server/write']),
  CLOCK_TOLERANCE_SECONDS: envInt(30, 0, 300),
  TOKEN_CACHE_MAX_ENTRIES: envInt(10_000, 0, 1_000_000),
  /** A tool call that takes longer is answered with a JSON-RPC error (below the edge's origin timeout). */
  TOOL_CALL_TIMEOUT_MS: envInt(25_000, 100, 600_000),
  /**
   * How often the revocation feed is read (one Query per instance per interval, never per call): a revoked grant or
   * user is refused within this plus one read (docs/architecture.md#revocation). 5 s keeps the bound under 10 s.
   */
  REVOCATION_POLL_MS: envInt(5000, 500, 60_000),
  /**
   * While the feed cannot be read, tokens are still accepted (fail open) until the last good read is older than
   * REVOCATION_POLL_MS + the storage budget + this; then refused with 503 (fail closed). 0 = closed at once.
   */
  REVOCATION_FAIL_OPEN_MS: envInt(30_000, 0, 3_600_000),
});

export type McpServerEnv = z.infer<typeof mcpServerEnvSchema>;

export interface McpServerConfig {
  service: string;
  runtime: RuntimeConfig;
  dynamodb: DynamoDbConfig;
  cognito: CognitoConfig;
  resource: string;
  gateway: { issuer: string; jwksUrl: string };
  tokenEncryptionKeys: string;
  allowedOrigins: string[];
  scopes: string[];
  validation: { clockToleranceSeconds: number; cacheMaxEntries: number };
  toolCallTimeoutMs: number;
  revocation: { pollMs: number; failOpenMs: number };
}

/** Parses an MCP server's environment once; throws a ConfigError listing every problem. */
export function loadMcpServerConfig(service: string, env: NodeJS.ProcessEnv = process.env): McpServerConfig {
  const e = parseEnvironment(service, mcpServerEnvSchema, env);
  return {
    service,
    runtime: toRuntimeConfig(e, e.PORT),
    dynamodb: toDynamoDbConfig(e),
    cognito: toCognitoConfig(e),
    resource: e.MCP_RESOURCE,
    gateway: { issuer: e.GATEWAY_ISSUER, jwksUrl: e.GATEWAY_JWKS_URL ?? `${e.GATEWAY_ISSUER}/.well-known/jwks.json` },
    tokenEncryptionKeys: e.TOKEN_ENCRYPTION_KEYS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    scopes: e.MCP_SCOPES,
    validation: { clockToleranceSeconds: e.CLOCK_TOLERANCE_SECONDS, cacheMaxEntries: e.TOKEN_CACHE_MAX_ENTRIES },
    toolCallTimeoutMs: e.TOOL_CALL_TIMEOUT_MS,
    revocation: { pollMs: e.REVOCATION_POLL_MS, failOpenMs: e.REVOCATION_FAIL_OPEN_MS },
  };
}
