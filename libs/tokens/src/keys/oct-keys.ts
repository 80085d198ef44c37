import { base64url } from 'jose';
import { KeyMaterialError, describeKey, isBase64Url, parseJwkSetJson } from './key-material.error';

/** One 256-bit symmetric key of a ring, as read from its JWK: the raw bytes are the caller's to import and wipe. */
export interface OctKeyEntry {
  kid: string;
  bytes: Uint8Array;
}

/**
 * Reads a JSON JWK Set of 256-bit `oct` keys (the rings of this library: JWE key rings and MAC key rings). Each key
 * is checked - a JSON object, a unique non-empty `kid`, `kty` oct, `alg` and `use` absent or one of the given values,
 * `k` base64url of exactly 32 bytes - and reported by index and `kid`, never by its material.
 */
export function readOctKeys(json: string, name: string, allowed: { alg: readonly string[]; use: string }): OctKeyEntry[] {
  const raw = parseJwkSetJson(json, name);
  const seen = new Set<string>();
  return raw.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new KeyMaterialError(name, `key #${index} is not a JSON object`);
    const jwk = entry as Record<string, unknown>;
    const where = describeKey(index, jwk['kid']);
    if (typeof jwk['kid'] !== 'string' || jwk['kid'].trim() === '') throw new KeyMaterialError(name, `${where} needs a "kid"`);
    const kid = jwk['kid'];
    if (seen.has(kid)) throw new KeyMaterialError(name, `${where}: duplicate kid`);
    seen.add(kid);
    if (jwk['kty'] !== 'oct') throw new KeyMaterialError(name, `${where} must be a symmetric ("oct") key`);
    if (jwk['alg'] !== undefined && !allowed.alg.includes(jwk['alg'] as string)) {
      throw new KeyMaterialError(name, `${where}: "alg" must be ${allowed.alg.map((a) => `"${a}"`).join(' or ')} (or absent)`);
    }
    if (jwk['use'] !== undefined && jwk['use'] !== allowed.use) throw new KeyMaterialError(name, `${where}: "use" must be "${allowed.use}"`);
    if (!isBase64Url(jwk['k'])) throw new KeyMaterialError(name, `${where}: "k" must be base64url`);
    const bytes = base64url.decode(jwk['k']);
    if (bytes.length !== 32) {
      bytes.fill(0);
      throw new KeyMaterialError(name, `${where} must be 256 bits (32 bytes), not ${bytes.length * 8}`);
    }
    return { kid, bytes };
  });
}
