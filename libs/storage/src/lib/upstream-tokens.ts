/**
 * A value encrypted by the caller (AES-256-GCM, docs/architecture.md#storage) - this library only stores the opaque
 * ciphertext and the id of the key that sealed it, and never sees plaintext.
 */
export interface EncryptedValue {
  ciphertext: string;
  keyId: string;
}

/** The Cognito tokens behind a code or grant, each encrypted; expiries in epoch seconds. */
export interface UpstreamTokenSet {
  accessToken: EncryptedValue;
  /** Absent when Cognito issued none. Revoked at Cognito when the grant is revoked (docs/architecture.md#revocation). */
  refreshToken?: EncryptedValue;
  idToken?: EncryptedValue;
  /** `exp` of the Cognito access token: the MCP access token never outlives it (docs/architecture.md#tokens). */
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt?: number;
}
