// The shared token library: the access-token format, minting (gateway) and validation (resource servers).

export { KeyMaterialError } from './keys/key-material.error';
export {
  SIGNING_ALG,
  parseSigningKeySet,
  generateSigningKey,
  generateSigningKeySet,
} from './keys/signing-keys';
export type {
  SigningKey,
  SigningKeySet,
  SigningKeyStatus,
  PublicSigningJwk,
  ParseSigningKeySetOptions,
  GenerateSigningKeyOptions,
} from './keys/signing-keys';
export {
  JWE_ALG,
  JWE_ENC,
  parseEncryptionKeyRing,
  generateEncryptionKey,
  generateEncryptionKeySet,
} from './keys/encryption-keys';
export type { EncryptionKey, EncryptionKeyRing } from './keys/encryption-keys';
export { parseMacKeyRing, generateMacKeySet } from './keys/mac-keys';
export type { MacKey, MacKeyRing } from './keys/mac-keys';

export { encryptWithKeyRing, decryptWithKeyRing } from './jwe';
export type { DecryptResult, DecryptFailureReason } from './jwe';

export {
  ACCESS_TOKEN_TYP,
  ACCESS_TOKEN_ALGORITHMS,
  COGNITO_ALGORITHMS,
  CLAIMS,
  REQUIRED_ACCESS_TOKEN_CLAIMS,
  MAX_TOKEN_LENGTH,
} from './access-token.format';
export type { AccessTokenClaims } from './access-token.format';

export { createAccessTokenSigner, mintAccessToken, MintError } from './mint';
export { isCanonicalEs256Signature, withLowSSignature } from './ecdsa-low-s';
export type {
  AccessTokenSigner,
  AccessTokenSignerOptions,
  MintAccessTokenInput,
  MintedAccessToken,
  MintErrorCode,
} from './mint';

export { createAccessTokenVerifier } from './verify/verifier';
export type {
  AccessTokenVerifier,
  AccessTokenVerifierOptions,
  VerifyResult,
  VerificationOutcome,
} from './verify/verifier';
export type { Principal } from './verify/principal';
export { FAILURE_REASONS, toOAuthError } from './verify/reasons';
export type { FailureReason } from './verify/reasons';
export { createCognitoVerifier, verifyCognitoTokens } from './verify/cognito';
export type {
  CognitoVerifier,
  CognitoVerifierOptions,
  CognitoAccessTokenClaims,
  CognitoIdTokenClaims,
  CognitoFailureReason,
  CognitoResult,
  CognitoTokenSet,
  VerifyCognitoTokensResult,
} from './verify/cognito';
export { JwksUnavailableError } from './verify/jwks';
export type { JwksSource, RemoteJwksSource, LocalJwksSource, KeyResolverSource } from './verify/jwks';
export { ExpiringCache, tokenCacheKey } from './verify/cache';
