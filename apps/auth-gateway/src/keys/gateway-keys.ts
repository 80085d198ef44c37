import type { Clock } from '@mcp-cognito/contracts';
import {
  createAccessTokenSigner,
  createCognitoVerifier,
  parseEncryptionKeyRing,
  parseMacKeyRing,
  parseSigningKeySet,
  type AccessTokenSigner,
  type CognitoVerifier,
  type EncryptionKeyRing,
  type MacKeyRing,
  type SigningKeySet,
} from '@mcp-cognito/tokens';
import type { GatewayConfig } from '../config/gateway-config';

/** Injection token for {@link GatewayKeys}. */
export const GATEWAY_KEYS = Symbol('GATEWAY_KEYS');

/**
 * Every key the gateway holds, imported once at start (bad key material stops the start with a clear error).
 * Each has one purpose and rotates on its own (README "Key rotation"). Public parts only ever leave through the
 * JWKS endpoint.
 */
export interface GatewayKeys {
  signingKeys: SigningKeySet;
  signer: AccessTokenSigner;
  /** Opens/seals the `cognito_token` claim (shared with the resource servers). */
  tokenEncryption: EncryptionKeyRing;
  /** Seals Cognito tokens at rest in DynamoDB (gateway only). */
  storageEncryption: EncryptionKeyRing;
  /** MACs refresh tokens and derives their successors (gateway only; `REFRESH_TOKEN_KEYS`). */
  refreshTokens: MacKeyRing;
  cognito: CognitoVerifier;
}

/** `clock`: the app's injected clock (nest-platform `CLOCK`), so minting and Cognito checks keep the same time as storage. */
export async function loadGatewayKeys(config: GatewayConfig, clock: Clock): Promise<GatewayKeys> {
  const signingKeys = await parseSigningKeySet(config.keys.signingKeys, {
    activeKid: config.keys.signingKeyId,
    name: 'GATEWAY_SIGNING_KEYS',
  });
  const tokenEncryption = await parseEncryptionKeyRing(config.keys.tokenEncryptionKeys, 'TOKEN_ENCRYPTION_KEYS');
  const storageEncryption = await parseEncryptionKeyRing(config.keys.storageEncryptionKeys, 'STORAGE_ENCRYPTION_KEYS');
  return {
    signingKeys,
    tokenEncryption,
    storageEncryption,
    refreshTokens: parseMacKeyRing(config.keys.refreshTokenKeys, 'REFRESH_TOKEN_KEYS'),
    signer: createAccessTokenSigner({
      issuer: config.issuer,
      signingKeys,
      tokenEncryptionKeys: tokenEncryption,
      accessTokenTtlSeconds: config.lifetimes.accessTokenSeconds,
      clock,
    }),
    cognito: createCognitoVerifier({
      issuer: config.cognito.issuer,
      clientId: config.cognito.clientId,
      jwks: { url: config.cognito.jwksUrl },
      clock,
    }),
  };
}
