/**
 * HMAC-SHA256 key rings (`REFRESH_TOKEN_KEYS`): a JSON JWK Set of 256-bit `oct` keys with unique `kid`s,
 *
 * ```json
 * {"keys":[{"kty":"oct","k":"<43 base64url chars = 32 bytes>","kid":"r2","alg":"HS256","use":"sig"},
 *          {"kty":"oct","k":"…","kid":"r1"}]}
 * ```
 *
 * The first key makes new MACs; every key verifies, found by the `kid` the MAC travels with. Rotation: prepend
 * the new key (it MACs from then on, the old one still verifies), remove the old key once nothing it MACed is
 * still valid (for refresh tokens: `REFRESH_TOKEN_TTL`).
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readOctKeys } from './oct-keys';

/** One key of a MAC ring. */
export interface MacKey {
  readonly kid: string;
  /** A node:crypto secret KeyObject (never exported). */
  readonly key: KeyObject;
}

/** A parsed MAC ring. */
export interface MacKeyRing {
  readonly name: string;
  /** The key new MACs are made with (the first in the set). */
  readonly active: MacKey;
  readonly kids: readonly string[];
  byKid(kid: string): MacKey | undefined;
  /** base64url HMAC-SHA256 of `purpose` + `value` with one key: purposes keep a MAC made for one use from standing in for another. */
  mac(key: MacKey, purpose: string, value: string): string;
  /** Constant-time check of a MAC made by {@link mac} with the key `kid` (false for an unknown `kid`). */
  verify(kid: string, purpose: string, value: string, tag: string): boolean;
}

/** Parses a MAC ring; throws KeyMaterialError naming the bad key, never its material. */
export function parseMacKeyRing(json: string, name = 'MAC key ring'): MacKeyRing {
  const byKid = new Map<string, MacKey>();
  for (const { kid, bytes } of readOctKeys(json, name, { alg: ['HS256'], use: 'sig' })) {
    try {
      byKid.set(kid, Object.freeze({ kid, key: createSecretKey(Buffer.from(bytes)) }));
    } finally {
      bytes.fill(0);
    }
  }
  const kids = Object.freeze([...byKid.keys()]);
  const mac = (key: MacKey, purpose: string, value: string) => createHmac('sha256', key.key).update(`${purpose}\n${value}`).digest('base64url');
  return Object.freeze({
    name,
    active: byKid.get(kids[0]) as MacKey,
    kids,
    byKid: (kid: string) => byKid.get(kid),
    mac,
    verify(kid: string, purpose: string, value: string, tag: string): boolean {
      const key = byKid.get(kid);
      if (!key) return false;
      const expected = Buffer.from(mac(key, purpose, value));
      const given = Buffer.from(tag);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  });
}

/** A fresh one-key ring as the JSON string `REFRESH_TOKEN_KEYS` expects (dev stack and tests). Secret: never log it. */
export function generateMacKeySet(): string {
  return JSON.stringify({ keys: [{ kty: 'oct', k: randomBytes(32).toString('base64url'), kid: randomBytes(6).toString('base64url'), alg: 'HS256', use: 'sig' }] });
}
