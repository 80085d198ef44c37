import type { Provider } from '@nestjs/common';
import { createAccessTokenVerifier, parseEncryptionKeyRing, type AccessTokenVerifier } from '@mcp-cognito/tokens';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../app/tokens';

/** Injection token for the process-wide {@link AccessTokenVerifier}. */
export const ACCESS_TOKEN_VERIFIER = Symbol('ACCESS_TOKEN_VERIFIER');

/**
 * One verifier per process (docs/architecture.md#tokens): it owns the two JWKS caches and the verified-token cache,
 * so a repeat token costs a SHA-256 and a map lookup, and authentication never touches storage.
 */
export const accessTokenVerifierProvider: Provider<AccessTokenVerifier> = {
  provide: ACCESS_TOKEN_VERIFIER,
  inject: [MCP_SERVER_CONFIG],
  useFactory: async (config: McpServerConfig) =>
    createAccessTokenVerifier({
      issuer: config.gateway.issuer,
      // RFC 8707 / MCP "token passthrough": only tokens minted for this very resource are accepted.
      audience: config.resource,
      gatewayJwks: { url: config.gateway.jwksUrl },
      tokenEncryptionKeys: await parseEncryptionKeyRing(config.tokenEncryptionKeys, 'TOKEN_ENCRYPTION_KEYS'),
      cognito: { issuer: config.cognito.issuer, clientId: config.cognito.clientId, jwks: { url: config.cognito.jwksUrl } },
      clockToleranceSeconds: config.validation.clockToleranceSeconds,
      cacheMaxEntries: config.validation.cacheMaxEntries,
    }),
};
