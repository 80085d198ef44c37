/**
 * Compact JWE with a key ring (RFC 7516 §7.1): `alg: dir`, `enc: A256GCM`, `kid` in the protected
 * header. One function pair serves both rings (the `cognito_token` claim and data at rest).
 *
 * jose encrypts. Decryption - once per uncached MCP call, for the embedded Cognito token - is the one AEAD
 * operation RFC 7516 §5.2 describes for `dir` + A256GCM, done with node:crypto: jose 6 runs it as a WebCrypto
 * job on the libuv thread pool, ~43 us here against ~11 us in-line (bench/README.md, "Findings").
 */
import { createDecipheriv } from 'node:crypto';
import { CompactEncrypt, decodeProtectedHeader } from 'jose';
import { decodeBase64Url, strictUtf8 } from './base64url';
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
    // RFC 7516 §4.1.3, §4.1.13: no compression and no critical extensions are used or understood here.
    if ('zip' in header || 'crit' in header) return { ok: false, reason: 'malformed', detail: 'JWE header has "zip" or "crit"' };
    kid = header.kid;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'JWE protected header is not valid' };
  }
  if (typeof kid !== 'string' || kid === '') return { ok: false, reason: 'malformed', detail: 'JWE header has no "kid"' };
  const key = ring.byKid(kid);
  if (!key) return { ok: false, reason: 'unknown_kid', detail: `kid not in ${ring.name}` };
  // RFC 7516 §5.2 for alg "dir": empty encrypted key, a 96-bit IV and a 128-bit tag (RFC 7518 §5.3), AAD = the
  // protected header as sent. Nothing is decrypted from a JWE that is not exactly that.
  const [protectedB64, encryptedKey, ivB64, ciphertextB64, tagB64] = jwe.split('.') as [string, string, string, string, string];
  if (encryptedKey !== '') return { ok: false, reason: 'malformed', detail: 'alg "dir" must have an empty encrypted key' };
  const iv = decodeBase64Url(ivB64);
  const ciphertext = decodeBase64Url(ciphertextB64);
  const tag = decodeBase64Url(tagB64);
  if (iv?.length !== 12 || tag?.length !== 16 || ciphertext === undefined || decodeBase64Url(protectedB64) === undefined) {
    return { ok: false, reason: 'malformed', detail: 'JWE segments are not a 96-bit IV, base64url ciphertext and a 128-bit tag' };
  }
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.secret, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(protectedB64, 'ascii'));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return { ok: false, reason: 'undecryptable', detail: 'JWE authentication failed' };
  }
  try {
    return { ok: true, plaintext: strictUtf8.decode(plaintext), kid };
  } catch {
    return { ok: false, reason: 'malformed', detail: 'JWE plaintext is not UTF-8' };
  }
}
