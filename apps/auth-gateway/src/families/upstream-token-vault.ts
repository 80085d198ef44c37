import { decryptWithKeyRing, encryptWithKeyRing, type EncryptionKeyRing } from '@mcp-cognito/tokens';
import type { EncryptedValue, UpstreamTokenSet } from '@mcp-cognito/storage';
import type { CognitoTokenResponse } from '../upstream/cognito-client';

/**
 * Cognito tokens at rest: each sealed on its own (compact JWE, dir + A256GCM) with the storage key
 * ring; the key id sits beside the ciphertext so that keys can rotate (docs/architecture.md#storage).
 */
async function seal(ring: EncryptionKeyRing, plaintext: string): Promise<EncryptedValue> {
  return { ciphertext: await encryptWithKeyRing(plaintext, ring), keyId: ring.active.kid };
}

export async function sealUpstreamTokens(
  ring: EncryptionKeyRing,
  tokens: CognitoTokenResponse,
  accessTokenExpiresAt: number,
  refreshTokenExpiresAt?: number,
): Promise<UpstreamTokenSet> {
  return {
    accessToken: await seal(ring, tokens.access_token),
    refreshToken: tokens.refresh_token ? await seal(ring, tokens.refresh_token) : undefined,
    idToken: tokens.id_token ? await seal(ring, tokens.id_token) : undefined,
    accessTokenExpiresAt,
    refreshTokenExpiresAt,
  };
}

/** The plaintext of one sealed value; throws if it cannot be opened (lost or tampered key/data). */
export async function openUpstreamValue(ring: EncryptionKeyRing, value: EncryptedValue): Promise<string> {
  const result = await decryptWithKeyRing(value.ciphertext, ring);
  if (!result.ok) throw new Error(`stored upstream token cannot be decrypted: ${result.reason}`);
  return result.plaintext;
}
