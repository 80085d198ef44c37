import { BASE64URL } from '../base64url';

/**
 * Thrown at startup when key material from the environment cannot be used.
 *
 * The message names the key set and the offending key (by index and `kid`) but never contains key
 * material, so it is safe to log.
 */
export class KeyMaterialError extends Error {
  constructor(
    /** Which key set, e.g. `GATEWAY_SIGNING_KEYS` or `TOKEN_ENCRYPTION_KEYS`. */
    readonly keySet: string,
    problem: string,
  ) {
    super(`${keySet}: ${problem}`);
    this.name = 'KeyMaterialError';
  }
}

/** Parses a JSON JWK Set string and returns its `keys` array (shape only). */
export function parseJwkSetJson(json: string, keySet: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Never echo the input: it is secret.
    throw new KeyMaterialError(keySet, 'is not valid JSON (expected {"keys":[...]})');
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { keys?: unknown }).keys)) {
    throw new KeyMaterialError(keySet, 'must be a JSON JWK Set: {"keys":[...]}');
  }
  const keys = (parsed as { keys: unknown[] }).keys;
  if (keys.length === 0) throw new KeyMaterialError(keySet, 'must contain at least one key');
  return keys;
}

/** Describes a key for error messages without revealing material: `key #2 (kid "abc")`. */
export function describeKey(index: number, kid: unknown): string {
  return typeof kid === 'string' && kid.length > 0 && kid.length <= 200 ? `key #${index} (kid "${kid}")` : `key #${index}`;
}

/** True for a non-empty string of base64url characters (RFC 7515 §2, no padding). */
export function isBase64Url(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && BASE64URL.test(value);
}
