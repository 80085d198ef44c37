/**
 * Compact JWE with a key ring (RFC 7516 §7.1): `alg: dir`, `enc: A256GCM`, `kid` in the protected
 * header. One function pair serves both rings (the `cognito_token` claim and data at rest).
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { JWE_ALG, JWE_ENC } from './keys/encryption-keys';
import type { EncryptionKeyRing } from './keys/encryption-keys';

/** Why a ciphertext could not be opened. */
export type DecryptFailureReason =
  /** Not a compact JWE, or a header other than dir/A256GCM/kid. */
  | 'malformed'
  /** The `kid` is not in this ring (wrong ring, or a key removed too early). */
  | 'unknown_kid'
  /** Authentication failed: tampered, or encrypted with another key under the same id. */
  | 'undecryptable';

/** Result of {@link decryptWithKeyRing}. `detail` is safe to log (no key or plaintext material). */
export type DecryptResult =
  | { ok: true; plaintext: string; kid: string }
  | { ok: false; reason: DecryptFailureReason; detail: string };

/** Encrypts UTF-8 text with the ring's active key; returns a compact JWE. */
export async function encryptWithKeyRing(plaintext: string, ring: EncryptionKeyRing): Promise<string> {
  // RFC 7516 §4.1.6: `kid` tells the recipient which key to use; it is integrity-protected (AAD).
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid: ring.active.kid })
    .encrypt(ring.active.key);
}

/** Decrypts a compact JWE made by {@link encryptWithKeyRing} with any key of the ring, chosen by `kid`. */
export async function decryptWithKeyRing(jwe: string, ring: EncryptionKeyRing): Promise<DecryptResult> {
  if (typeof jwe !== 'string' || jwe.split('.').length !== 5) {
    return { ok: false, reason: 'malformed', detail: 'not a compact JWE (5 segments)' };
  }
  let kid: unknown;
  try {
    const header = decodeProtectedHeader(jwe);
    if (header.alg !== JWE_ALG || header.enc !== JWE_ENC) {
      return { ok: false, reason: 'malformed', detail: 'JWE header must be alg "dir", enc "A256GCM"' };
    }
    kid = header.kid;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'JWE protected header is not valid' };
  }
  if (typeof kid !== 'string' || kid === '') return { ok: false, reason: 'malformed', detail: 'JWE header has no "kid"' };
  const key = ring.byKid(kid);
  if (!key) return { ok: false, reason: 'unknown_kid', detail: `kid not in ${ring.name}` };
  try {
    const { plaintext } = await compactDecrypt(jwe, key.key, {
      // RFC 8725 §3.1: allow-list the algorithms instead of trusting the header.
      keyManagementAlgorithms: [JWE_ALG],
      contentEncryptionAlgorithms: [JWE_ENC],
    });
    return { ok: true, plaintext: new TextDecoder('utf-8', { fatal: true }).decode(plaintext), kid };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_JWE_DECRYPTION_FAILED') return { ok: false, reason: 'undecryptable', detail: 'JWE authentication failed' };
    return { ok: false, reason: 'malformed', detail: typeof code === 'string' ? `JWE rejected (${code})` : 'JWE rejected' };
  }
}
