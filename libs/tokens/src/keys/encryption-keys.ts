/**
 * Symmetric key rings for compact JWE (`alg: dir`, `enc: A256GCM`).
 *
 * Format (environment variables `TOKEN_ENCRYPTION_KEYS` and `STORAGE_ENCRYPTION_KEYS`): a JSON JWK Set
 * of 256-bit `oct` keys, each with a unique `kid`:
 *
 * ```json
 * {"keys":[{"kty":"oct","k":"<43 base64url chars = 32 bytes>","kid":"t2","alg":"dir","use":"enc"},
 *          {"kty":"oct","k":"…","kid":"t1"}]}
 * ```
 *
 * The first key encrypts; every key decrypts (chosen by the `kid` in the JWE protected header).
 * Two rings use this shape and must hold different keys:
 * - `TOKEN_ENCRYPTION_KEYS`: the `cognito_token` claim; held by the gateway and every resource server.
 * - `STORAGE_ENCRYPTION_KEYS`: Cognito tokens at rest in DynamoDB; gateway only.
 *
 * Rotation of the token ring: (1) append the new key at the END of the ring everywhere (resource servers
 * first) - it can decrypt but does not encrypt yet; (2) move it to the front on the gateway; (3) drop
 * the old key after the longest access-token lifetime. Moving a key to the front on the gateway before
 * every resource server has it makes fresh tokens fail with `cognito_token_undecryptable`.
 * The storage ring is gateway-only: prepend the new key; keep old keys as long as data they encrypted
 * lives (the refresh-token lifetime).
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { base64url, exportJWK, generateSecret } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { readOctKeys } from './oct-keys';

/** RFC 7518 §4.5 direct encryption with a shared symmetric key. */
export const JWE_ALG = 'dir';
/** RFC 7518 §5.3 AES-256-GCM content encryption. */
export const JWE_ENC = 'A256GCM';

/** One key of a ring: a non-extractable AES-GCM CryptoKey (jose encrypts with it) and node:crypto's key for decryption. */
export interface EncryptionKey {
  readonly kid: string;
  readonly key: CryptoKey;
  /** The same key for node:crypto's one-shot AES-GCM (hot path); never exported. */
  readonly secret: KeyObject;
}

/** A parsed ring: the first key encrypts, any key decrypts by `kid`. */
export interface EncryptionKeyRing {
  /** Name used in messages, e.g. `TOKEN_ENCRYPTION_KEYS`. */
  readonly name: string;
  /** The key new ciphertexts are made with (the first in the set). */
  readonly active: EncryptionKey;
  /** All key ids, in order. */
  readonly kids: readonly string[];
  /** The key with this id, or undefined. */
  byKid(kid: string): EncryptionKey | undefined;
}

/**
 * Parses and imports an encryption key ring. Checks: `kty` oct, `k` decodes to exactly 32 bytes,
 * unique non-empty `kid`, `alg` absent/`dir`/`A256GCM`, `use` absent/`enc`. Throws
 * {@link KeyMaterialError}; messages never contain key material.
 */
export async function parseEncryptionKeyRing(json: string, name = 'encryption key ring'): Promise<EncryptionKeyRing> {
  const byKid = new Map<string, EncryptionKey>();
  for (const { kid, bytes } of readOctKeys(json, name, { alg: [JWE_ALG, JWE_ENC], use: 'enc' })) {
    try {
      const key = await crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      byKid.set(kid, Object.freeze({ kid, key, secret: createSecretKey(Buffer.from(bytes)) }));
    } finally {
      bytes.fill(0);
    }
  }
  const kids = Object.freeze([...byKid.keys()]);
  const active = byKid.get(kids[0]) as EncryptionKey;
  return Object.freeze({ name, active, kids, byKid: (kid: string) => byKid.get(kid) });
}

/** Generates one 256-bit `oct` JWK with a random `kid`. Secret: never log it. */
export async function generateEncryptionKey(kid?: string): Promise<JWK> {
  const secret = await generateSecret(JWE_ENC, { extractable: true });
  const jwk = await exportJWK(secret);
  return { kty: 'oct', k: jwk.k, kid: kid ?? base64url.encode(crypto.getRandomValues(new Uint8Array(8))), alg: JWE_ALG, use: 'enc' };
}

/**
 * Generates a fresh ring (for the dev stack and tests) as the JSON string that `TOKEN_ENCRYPTION_KEYS`
 * / `STORAGE_ENCRYPTION_KEYS` expect. One key by default.
 */
export async function generateEncryptionKeySet(options: { count?: number } = {}): Promise<string> {
  const keys: JWK[] = [];
  for (let i = 0; i < (options.count ?? 1); i++) keys.push(await generateEncryptionKey());
  const set: JSONWebKeySet = { keys };
  return JSON.stringify(set);
}
