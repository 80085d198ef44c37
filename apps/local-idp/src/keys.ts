import { generateKeyPairSync } from 'node:crypto';
import {
  calculateJwkThumbprint,
  importJWK,
  type CryptoKey,
  type JWK,
  type KeyObject,
} from 'jose';
import type { PrivateRsaJwk } from './config';

export interface SigningKeys {
  /** Private JWKs for oidc-provider's `jwks` option (each with kid, alg RS256, use sig). */
  privateJwks: PrivateRsaJwk[];
  /** What `<issuer>/.well-known/jwks.json` publishes. */
  publicJwks: JWK[];
  /** The key that signs new tokens: the first key of the set, which oidc-provider also picks for RS256. */
  active: { kid: string; key: CryptoKey | KeyObject | Uint8Array };
  generated: boolean;
}

/**
 * Use the configured keys, or generate one RSA key. A generated key dies with the process, so every token
 * issued before a restart stops verifying; the local stack passes a persisted set to avoid that.
 */
export async function loadSigningKeys(
  configured: PrivateRsaJwk[] | undefined,
): Promise<SigningKeys> {
  const generated = !configured;
  const source: PrivateRsaJwk[] = configured ?? [
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    }) as PrivateRsaJwk,
  ];

  const privateJwks: PrivateRsaJwk[] = [];
  for (const jwk of source) {
    const kid =
      jwk.kid ??
      (await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }));
    privateJwks.push({ ...jwk, kid, alg: 'RS256', use: 'sig' });
  }
  const publicJwks: JWK[] = privateJwks.map(({ kty, n, e, kid, alg, use }) => ({
    alg,
    e,
    kid,
    kty,
    n,
    use,
  }));
  const first = privateJwks[0];
  return {
    privateJwks,
    publicJwks,
    active: {
      kid: first.kid as string,
      key: await importJWK(first as JWK, 'RS256'),
    },
    generated,
  };
}
