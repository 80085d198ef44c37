/**
 * Where verification keys come from: a remote JWKS (cached, refetched on an unknown `kid` with a
 * cool-down), a local key set (tests, in-process), or a caller-supplied jose key resolver.
 */
import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import type { JWK, JWTVerifyGetKey } from 'jose';

/** A remote JWKS. Durations in milliseconds; defaults are jose's. */
export interface RemoteJwksSource {
  url: string | URL;
  /** How long a fetched key set is used without refetching. Default 600 000 (10 min). */
  cacheMaxAgeMs?: number;
  /** Minimum time between refetches triggered by an unknown `kid`. Default 30 000 (30 s). */
  cooldownMs?: number;
  /** HTTP timeout. Default 5 000. */
  timeoutMs?: number;
}

/** A key set held in memory (e.g. the gateway's own `SigningKeySet.publicJwks`). */
export interface LocalJwksSource {
  jwks: { readonly keys: readonly JWK[] };
}

/** A jose key resolver (e.g. to count or wrap key lookups). */
export interface KeyResolverSource {
  getKey: JWTVerifyGetKey;
}

/** One of the three ways to provide verification keys. */
export type JwksSource = RemoteJwksSource | LocalJwksSource | KeyResolverSource;

/** The key set could not be obtained or used (network, HTTP status, JSON, invalid set): a server-side fault. */
export class JwksUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the JSON Web Key Set is unavailable', { cause });
    this.name = 'JwksUnavailableError';
  }
}

/** jose errors that are about the token's header, not about the key set being unavailable. */
const TOKEN_SIDE = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);

/**
 * Builds the key resolver for a source. Errors other than "no/multiple matching key" and "unsupported
 * alg" are rethrown as {@link JwksUnavailableError} so that they map to `jwks_unavailable`.
 */
export function createKeyResolver(source: JwksSource): JWTVerifyGetKey {
  let inner: JWTVerifyGetKey;
  if ('getKey' in source) {
    inner = source.getKey;
  } else if ('jwks' in source) {
    inner = createLocalJWKSet({ keys: [...source.jwks.keys] });
  } else {
    inner = createRemoteJWKSet(new URL(source.url), {
      cacheMaxAge: source.cacheMaxAgeMs,
      cooldownDuration: source.cooldownMs,
      timeoutDuration: source.timeoutMs,
    });
  }
  return async (header, token) => {
    try {
      return await inner(header, token);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && TOKEN_SIDE.has(code)) throw err;
      throw new JwksUnavailableError(err);
    }
  };
}
