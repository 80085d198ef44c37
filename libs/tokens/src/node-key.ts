import { KeyObject, type webcrypto } from 'node:crypto';

/** The KeyObject of each CryptoKey handed out by key rings and JWKS resolvers (both keep theirs for the process). */
const keyObjects = new WeakMap<object, KeyObject>();

/**
 * node:crypto's view of a key jose imported (a WebCrypto `CryptoKey`), made once per key: the hot-path checks
 * (JWS signatures, the JWE of the embedded Cognito token) run on node:crypto's one-shot functions, which are
 * synchronous, instead of WebCrypto's thread-pool jobs. `undefined` for anything that is not a key.
 */
export function nodeKeyObject(key: unknown): KeyObject | undefined {
  if (key instanceof KeyObject) return key;
  if (typeof key !== 'object' || key === null || !('algorithm' in key) || !('type' in key)) return undefined;
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}
