/**
 * The gateway's access-token signing keys (ES256 / EC P-256).
 *
 * Format (environment variable `GATEWAY_SIGNING_KEYS`): a JSON JWK Set (RFC 7517 §5) of private keys
 *
 * ```json
 * {"keys":[
 *   {"kty":"EC","crv":"P-256","x":"…","y":"…","d":"…","kid":"k2","alg":"ES256","use":"sig","status":"next"},
 *   {"kty":"EC","crv":"P-256","x":"…","y":"…","d":"…","kid":"k1","alg":"ES256","use":"sig"},
 *   {"kty":"EC","crv":"P-256","x":"…","y":"…","d":"…","kid":"k0","alg":"ES256","use":"sig","status":"retired"}
 * ]}
 * ```
 *
 * `status` is an optional, non-registered JWK member (RFC 7517 §4: unknown members are ignored by
 * other software) and is never published:
 * - `active` (or absent): may sign. Exactly one key signs: the key named by `activeKid`
 *   (`GATEWAY_SIGNING_KEY_ID`) if given, else the one marked `active`, else the first key without a status.
 * - `next`: published in the JWKS but never signs - lets resource servers learn it before it is used.
 * - `retired`: published so that tokens it signed keep validating until they expire; never signs.
 *
 * Rotation: (1) add the new key as `next`, deploy; (2) mark it `active` (or point `activeKid` at it)
 * and mark the old one `retired`, deploy; (3) after the longest access-token lifetime plus clock
 * tolerance, remove the retired key. Resource servers refetch the JWKS on an unknown `kid`, so step (1)
 * is a safety margin rather than a hard requirement.
 */
import { CompactSign, compactVerify, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { KeyMaterialError, describeKey, isBase64Url, parseJwkSetJson } from './key-material.error';

/** RFC 7518 §3.4: ECDSA P-256 with SHA-256; the only algorithm the gateway signs with. */
export const SIGNING_ALG = 'ES256';

/** Lifecycle of a key in the set; see the module comment. */
export type SigningKeyStatus = 'active' | 'next' | 'retired';

/** Public members of a signing key as published at `/.well-known/jwks.json`. */
export interface PublicSigningJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** One parsed key. `privateKey` is a non-extractable CryptoKey. */
export interface SigningKey {
  readonly kid: string;
  readonly status: SigningKeyStatus;
  readonly privateKey: CryptoKey;
  readonly publicJwk: Readonly<PublicSigningJwk>;
}

/** A parsed signing key set: the one key that signs, and everything that is published. */
export interface SigningKeySet {
  /** The key that signs new tokens. */
  readonly active: SigningKey;
  /** Every key in input order (active, next and retired). */
  readonly keys: readonly SigningKey[];
  /** The public JWKS to serve at `<issuer>/.well-known/jwks.json`: public members only, all keys. */
  readonly publicJwks: Readonly<{ keys: readonly Readonly<PublicSigningJwk>[] }>;
}

/** Options for {@link parseSigningKeySet}. */
export interface ParseSigningKeySetOptions {
  /** Overrides which key signs (`GATEWAY_SIGNING_KEY_ID`). Must name a key that is not `retired`. */
  activeKid?: string;
  /** Name used in error messages. Default `GATEWAY_SIGNING_KEYS`. */
  name?: string;
}

const STATUSES: readonly SigningKeyStatus[] = ['active', 'next', 'retired'];

/**
 * Parses and imports the gateway's signing key set. Every key is checked: P-256, `alg` ES256 (or absent),
 * `use` sig (or absent), unique non-empty `kid`, and its private and public halves must belong together
 * (a probe signature is made and verified with jose). Throws {@link KeyMaterialError}; the message never
 * contains key material.
 */
export async function parseSigningKeySet(json: string, options: ParseSigningKeySetOptions = {}): Promise<SigningKeySet> {
  const name = options.name ?? 'GATEWAY_SIGNING_KEYS';
  const raw = parseJwkSetJson(json, name);
  const seen = new Set<string>();
  const keys: SigningKey[] = [];
  for (const [index, entry] of raw.entries()) {
    keys.push(await importSigningKey(entry, index, name, seen));
  }
  const active = selectActive(keys, options.activeKid, name);
  return Object.freeze({
    active,
    keys: Object.freeze(keys),
    publicJwks: Object.freeze({ keys: Object.freeze(keys.map((k) => k.publicJwk)) }),
  });
}

async function importSigningKey(entry: unknown, index: number, name: string, seen: Set<string>): Promise<SigningKey> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new KeyMaterialError(name, `key #${index} is not a JSON object`);
  }
  const jwk = entry as Record<string, unknown>;
  const where = describeKey(index, jwk['kid']);
  if (typeof jwk['kid'] !== 'string' || jwk['kid'].trim() === '') throw new KeyMaterialError(name, `${where} needs a "kid"`);
  const kid = jwk['kid'];
  if (seen.has(kid)) throw new KeyMaterialError(name, `${where}: duplicate kid`);
  seen.add(kid);
  if (jwk['kty'] !== 'EC' || jwk['crv'] !== 'P-256') throw new KeyMaterialError(name, `${where} must be an EC P-256 key`);
  if (jwk['alg'] !== undefined && jwk['alg'] !== SIGNING_ALG) throw new KeyMaterialError(name, `${where}: "alg" must be ES256`);
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') throw new KeyMaterialError(name, `${where}: "use" must be "sig"`);
  if (!isBase64Url(jwk['x']) || !isBase64Url(jwk['y'])) throw new KeyMaterialError(name, `${where}: "x" and "y" must be base64url`);
  if (!isBase64Url(jwk['d'])) throw new KeyMaterialError(name, `${where} is not a private key (no "d")`);
  const status = jwk['status'] ?? 'active';
  if (!STATUSES.includes(status as SigningKeyStatus)) {
    throw new KeyMaterialError(name, `${where}: "status" must be one of ${STATUSES.join(', ')}`);
  }
  // Whitelist the public members: a copy-and-delete would leak any member we did not think of.
  const publicJwk: PublicSigningJwk = { kty: 'EC', crv: 'P-256', x: jwk['x'], y: jwk['y'], kid, alg: SIGNING_ALG, use: 'sig' };
  let privateKey: CryptoKey;
  try {
    const imported = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk['x'], y: jwk['y'], d: jwk['d'] }, SIGNING_ALG, {
      extractable: false,
    });
    privateKey = imported as CryptoKey;
    // The published half must verify what the private half signs; jose does both operations.
    const probe = await new CompactSign(new TextEncoder().encode('probe'))
      .setProtectedHeader({ alg: SIGNING_ALG })
      .sign(privateKey);
    await compactVerify(probe, await importJWK(publicJwk, SIGNING_ALG), { algorithms: [SIGNING_ALG] });
  } catch {
    throw new KeyMaterialError(name, `${where} cannot be imported, or its public part does not match its private part`);
  }
  return Object.freeze({ kid, status: status as SigningKeyStatus, privateKey, publicJwk: Object.freeze(publicJwk) });
}

function selectActive(keys: readonly SigningKey[], activeKid: string | undefined, name: string): SigningKey {
  if (activeKid !== undefined) {
    const chosen = keys.find((k) => k.kid === activeKid);
    if (!chosen) throw new KeyMaterialError(name, `the active key id "${activeKid}" is not in the set`);
    if (chosen.status === 'retired') throw new KeyMaterialError(name, `the active key id "${activeKid}" names a retired key`);
    return chosen;
  }
  const marked = keys.filter((k) => k.status === 'active');
  if (marked.length === 0) throw new KeyMaterialError(name, 'has no key that may sign (all are "next" or "retired")');
  // Absent status means "active"; when several keys qualify, the first one signs (documented default).
  return marked[0];
}

/** Options for {@link generateSigningKey}. */
export interface GenerateSigningKeyOptions {
  /** Key id; default the RFC 7638 JWK thumbprint of the public key. */
  kid?: string;
  status?: SigningKeyStatus;
}

/**
 * Generates one private ES256 JWK (with `kid`, `alg`, `use`, and `status` when given), e.g. to add a
 * `next` key to an existing set. Secret: never log it.
 */
export async function generateSigningKey(options: GenerateSigningKeyOptions = {}): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = options.kid ?? (await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid, alg: SIGNING_ALG, use: 'sig', ...(options.status ? { status: options.status } : {}) };
}

/**
 * Generates a fresh signing key set (for the dev stack and tests) and returns it as the JSON string
 * that `GATEWAY_SIGNING_KEYS` expects. One active key by default.
 */
export async function generateSigningKeySet(options: { count?: number } = {}): Promise<string> {
  const count = options.count ?? 1;
  const keys: JWK[] = [];
  for (let i = 0; i < count; i++) keys.push(await generateSigningKey());
  const set: JSONWebKeySet = { keys };
  return JSON.stringify(set);
}
