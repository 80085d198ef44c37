/**
 * Validation of gateway access tokens at a resource server (docs/architecture.md#tokens, RFC 9068 §4).
 * No storage calls: keys come from (cached) JWKS and the in-memory key ring.
 */
import type { JWTVerifyGetKey } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_TYP,
  CLAIMS,
  MAX_TOKEN_LENGTH,
  REQUIRED_ACCESS_TOKEN_CLAIMS,
} from '../access-token.format';
import { parseScope } from '@mcp-cognito/oauth';
import { systemClock, type Clock } from '@mcp-cognito/contracts';
import { decryptWithKeyRing } from '../jwe';
import type { EncryptionKeyRing } from '../keys/encryption-keys';
import { ExpiringCache, tokenCacheKey } from './cache';
import { createCognitoVerifier } from './cognito';
import { checkJwt } from './jwt-check';
import { createKeyResolver } from './jwks';
import type { JwksSource } from './jwks';
import type { Principal } from './principal';
import type { FailureReason } from './reasons';

/** Result of {@link AccessTokenVerifier.verify}. `detail` is for logs (never token material), not for clients. */
export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: FailureReason; detail?: string };

/** Reported after every verification (metrics, logs). */
export interface VerificationOutcome {
  ok: boolean;
  reason?: FailureReason;
  /** True when answered from the verified-token cache (no signature work). */
  cached: boolean;
}

/** Options for {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  /** The gateway issuer; `iss` must be byte-identical. */
  issuer: string;
  /** This server's resource URL (RFC 8707); `aud` must equal it. */
  audience: string;
  /** The gateway JWKS, normally `{ url: <issuer>/.well-known/jwks.json }`. */
  gatewayJwks: JwksSource;
  /** TOKEN_ENCRYPTION_KEYS: opens the `cognito_token` claim. */
  tokenEncryptionKeys: EncryptionKeyRing;
  /** The user pool: issuer, the gateway's app client id, JWKS. */
  cognito: { issuer: string; clientId: string; jwks: JwksSource };
  /** Allowed clock skew for `exp`/`nbf`/`iat` in both tokens. Default 30. */
  clockToleranceSeconds?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
  /** Verified-token cache bound; 0 disables it. Default 10 000. */
  cacheMaxEntries?: number;
  /** Called after each verification. Must not throw. */
  onOutcome?: (outcome: VerificationOutcome) => void;
}

/** Verifies bearer tokens. Create once per process; it owns the JWKS caches and the token cache. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifyResult>;
  /** Number of cached principals. */
  readonly cacheSize: number;
  /** Drops every cached principal (e.g. after a key compromise). */
  clearCache(): void;
}

/**
 * Builds the verifier. Per token: (1) gateway JWT - signature (ES256 only, JWKS by `kid`), `typ`
 * at+jwt, `iss`, `aud`, `exp`/`nbf`/`iat` with skew, required claims; (2) decrypt `cognito_token` and
 * verify it as a Cognito access token of our app client; (3) same `sub`; (4) build the principal.
 * Successes are cached by SHA-256 of the token until min(exp, Cognito exp); failures are not cached
 * (a failure costs at most one signature check, and caching them would let garbage evict good entries).
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const clock = options.clock ?? systemClock;
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new TypeError('clockToleranceSeconds must be >= 0');
  const gatewayKeys: JWTVerifyGetKey = createKeyResolver(options.gatewayJwks);
  const cognito = createCognitoVerifier({ ...options.cognito, clock, clockToleranceSeconds: tolerance });
  const cache = new ExpiringCache<Principal>(options.cacheMaxEntries ?? 10_000, clock);

  async function verifyUncached(token: string): Promise<VerifyResult> {
    // Step 1 - RFC 9068 §4: the gateway's signature and claims.
    const jwt = await checkJwt(token, gatewayKeys, {
      algorithms: ACCESS_TOKEN_ALGORITHMS,
      typ: ACCESS_TOKEN_TYP,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: REQUIRED_ACCESS_TOKEN_CLAIMS,
      nowMs: clock.now(),
      clockToleranceSeconds: tolerance,
    });
    if (!jwt.ok) return { ok: false, reason: jwt.reason, detail: jwt.detail };
    const p = jwt.payload;
    // Our format: `aud` is one string (jose also accepts an array that contains the audience).
    if (typeof p.aud !== 'string') return { ok: false, reason: 'audience_mismatch', detail: '"aud" must be a single string' };
    for (const claim of [CLAIMS.subject, CLAIMS.clientId, CLAIMS.jwtId] as const) {
      const v = p[claim];
      if (typeof v !== 'string' || v === '') return { ok: false, reason: 'missing_claims', detail: `"${claim}" must be a non-empty string` };
    }
    const grantRef = p[CLAIMS.grantRef];
    if (grantRef !== undefined && (typeof grantRef !== 'string' || grantRef === '')) return { ok: false, reason: 'missing_claims', detail: '"grant_ref" must be a non-empty string' };
    const scopes = parseScope(p[CLAIMS.scope]);
    if (typeof p[CLAIMS.scope] !== 'string' || scopes === undefined) return { ok: false, reason: 'missing_claims', detail: '"scope" must be a string of scope tokens' };

    // Step 2 - docs/architecture.md#tokens: the embedded, encrypted Cognito access token.
    const sealed = p[CLAIMS.cognitoToken];
    if (sealed === undefined) return { ok: false, reason: 'cognito_token_missing' };
    if (typeof sealed !== 'string') return { ok: false, reason: 'cognito_token_undecryptable', detail: 'cognito_token is not a string' };
    const opened = await decryptWithKeyRing(sealed, options.tokenEncryptionKeys);
    if (!opened.ok) return { ok: false, reason: 'cognito_token_undecryptable', detail: `${opened.reason}: ${opened.detail}` };
    const upstream = await cognito.verifyAccessToken(opened.plaintext);
    if (!upstream.ok) return upstream;

    // Step 3 - the binding: both tokens describe the same user.
    if (upstream.claims.sub !== p.sub) return { ok: false, reason: 'binding_mismatch', detail: 'sub differs between the tokens' };

    // Step 4 - the principal.
    const principal: Principal = Object.freeze({
      sub: p.sub as string,
      username: upstream.claims.username,
      clientId: p[CLAIMS.clientId] as string,
      scopes: Object.freeze(scopes),
      groups: Object.freeze(upstream.claims.groups),
      jti: p.jti as string,
      issuedAt: p.iat as number,
      ...(grantRef !== undefined ? { grantRef } : {}),
      expiresAt: Math.min(p.exp as number, upstream.claims.exp),
      audience: p.aud,
    });
    return { ok: true, principal };
  }

  function report(result: VerifyResult, cached: boolean): VerifyResult {
    if (options.onOutcome) {
      try {
        options.onOutcome(result.ok ? { ok: true, cached } : { ok: false, reason: result.reason, cached });
      } catch {
        // An observer must never change the outcome.
      }
    }
    return result;
  }

  return {
    async verify(token: string): Promise<VerifyResult> {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        return report({ ok: false, reason: 'malformed', detail: 'empty or oversized token' }, false);
      }
      const key = tokenCacheKey(token);
      // A hit is only returned while now < expiresAt (checked inside `get` against the injected clock).
      const hit = cache.get(key);
      if (hit) return report({ ok: true, principal: hit }, true);
      const result = await verifyUncached(token);
      if (result.ok) cache.set(key, result.principal, result.principal.expiresAt * 1000);
      return report(result, false);
    },
    get cacheSize() {
      return cache.size;
    },
    clearCache() {
      cache.clear();
    },
  };
}
