/**
 * A value encrypted by the caller (AES-256-GCM, DESIGN §4) - this library only stores the opaque
 * ciphertext and the id of the key that sealed it, and never sees plaintext.
 */
export interface EncryptedValue {
  ciphertext: string;
  keyId: string;
}

/** The Cognito tokens behind a code or grant, each encrypted; expiries in epoch seconds. */
export interface UpstreamTokenSet {
  accessToken: EncryptedValue;
  /** Absent when Cognito issued none. Revoked at Cognito when the grant is revoked (DESIGN §2.8). */
  refreshToken?: EncryptedValue;
  idToken?: EncryptedValue;
  /** `exp` of the Cognito access token: the MCP access token never outlives it (DESIGN §3). */
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt?: number;
}
