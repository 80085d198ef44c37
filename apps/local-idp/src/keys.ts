import { generateKeyPairSync } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import type { PrivateRsaJwk } from './config';

/** What a key signs. Cognito signs ID tokens and access tokens with two different keys (two `kid`s). */
export type KeyUse = 'id' | 'access';

interface SigningKey {
  kid: string;
  use: KeyUse;
  key: CryptoKey | KeyObject | Uint8Array;
  publicJwk: JWK;
}

/**
 * The pool's RS256 signing keys. Like Cognito's: one key for ID tokens and another for access tokens, both
 * published at `<issuer>/.well-known/jwks.json`
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html:
 * "the JWKS contains two keys", match the token's `kid`). `rotate()` changes both signing keys at run time;
 * the old ones stay published until `retire` drops them, which is what a relying party's JWKS cache must survive.
 */
export class SigningKeyRing {
  private readonly published: SigningKey[] = [];
  private active: Record<KeyUse, SigningKey>;
  private jwks: JWTVerifyGetKey;

  private constructor(
    keys: SigningKey[],
    readonly generated: boolean,
    /** The configured set had one key: ID and access tokens share it (not Cognito's layout). */
    readonly shared: boolean,
  ) {
    this.published.push(...keys);
    const id = keys[0] as SigningKey;
    this.active = { id, access: keys[1] ?? id };
    this.jwks = createLocalJWKSet(this.publicJwks());
  }

  /**
   * The configured keys (first: ID tokens, second: access tokens), or two generated ones. A generated key dies
   * with the process, so every token issued before a restart stops verifying; the local stack passes a persisted
   * set to avoid that.
   */
  static async load(
    configured: PrivateRsaJwk[] | undefined,
  ): Promise<SigningKeyRing> {
    const source = configured ?? [generateRsaJwk(), generateRsaJwk()];
    const keys: SigningKey[] = [];
    for (const [i, jwk] of source.entries()) {
      keys.push(await importSigningKey(jwk, i === 1 ? 'access' : 'id'));
    }
    return new SigningKeyRing(keys, !configured, source.length === 1);
  }

  /** The key that signs new tokens of this kind. */
  signingKey(use: KeyUse): {
    kid: string;
    key: CryptoKey | KeyObject | Uint8Array;
  } {
    return this.active[use];
  }

  /** `{ keys: [...] }` as served at the JWKS URL: public parts only. */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.published.map((k) => ({ ...k.publicJwk })) };
  }

  /** Resolves a token's `kid` against the published keys (a retired key no longer verifies anything). */
  get verificationKeys(): JWTVerifyGetKey {
    return this.jwks;
  }

  /**
   * New ID and access keys sign from now on. The previous keys stay published (tokens they signed still verify)
   * unless `retire` is set, which drops every other key from the JWKS at once.
   */
  async rotate(
    options: { retire?: boolean } = {},
  ): Promise<{ id: string; access: string }> {
    const id = await importSigningKey(generateRsaJwk(), 'id');
    const access = await importSigningKey(generateRsaJwk(), 'access');
    if (options.retire) this.published.length = 0;
    this.published.push(id, access);
    this.active = { id, access };
    this.jwks = createLocalJWKSet(this.publicJwks());
    return { id: id.kid, access: access.kid };
  }
}

function generateRsaJwk(): PrivateRsaJwk {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  }) as PrivateRsaJwk;
}

async function importSigningKey(
  jwk: PrivateRsaJwk,
  use: KeyUse,
): Promise<SigningKey> {
  const kid =
    jwk.kid ??
    (await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }));
  return {
    kid,
    use,
    key: await importJWK({ ...jwk, kid, alg: 'RS256' } as JWK, 'RS256'),
    // Cognito's JWKS entries: alg, e, kid, kty, n, use.
    publicJwk: {
      alg: 'RS256',
      e: jwk.e,
      kid,
      kty: 'RSA',
      n: jwk.n,
      use: 'sig',
    },
  };
}
