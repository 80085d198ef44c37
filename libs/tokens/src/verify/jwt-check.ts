/**
 * One JWT signature + claims check, shared by the gateway-token and Cognito-token rules.
 *
 * jose parses headers and finds the key (local or remote JWKS, cached); the signature itself is checked with
 * node:crypto's one-shot `verify`. jose 6 is WebCrypto-only, and on Node every WebCrypto operation is a job on
 * the libuv thread pool: for the ES256 + RS256 pair of an uncached MCP call that measured ~150 us against ~95 us
 * for the same checks in node:crypto (bench/README.md, "Findings"). The rules are jose's own (RFC 7515 / 7519 /
 * 8725), applied here in this order: compact form, header (alg allow-list, kid, no crit/b64), key (type bound
 * to the alg), signature, payload object, typ, required claims, iss, aud, nbf, exp, iat.
 */
import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { JWTHeaderParameters, JWTPayload, JWTVerifyGetKey } from 'jose';
import { decodeBase64Url, strictUtf8 } from '../base64url';
import { nodeKeyObject } from '../node-key';
import { isCanonicalEs256Signature } from '../ecdsa-low-s';
import { classifyJoseError } from './jose-errors';
import type { JwtCheckFailure } from './jose-errors';

/** What to check. Times are epoch milliseconds / seconds as named. */
export interface JwtCheckOptions {
  /** RFC 8725 §3.1: the only acceptable `alg` values. */
  algorithms: readonly string[];
  issuer: string;
  /** Checked when given: `aud` must be this string or an array containing it (RFC 7519 §4.1.3). */
  audience?: string;
  /** RFC 9068 §4 / RFC 8725 §3.11: explicit typing, checked when given. */
  typ?: string;
  requiredClaims: readonly string[];
  nowMs: number;
  clockToleranceSeconds: number;
}

/** Result of {@link checkJwt}. */
export type JwtCheckResult =
  | { ok: true; payload: JWTPayload; header: JWTHeaderParameters }
  | { ok: false; reason: JwtCheckFailure; detail: string };

/** How each supported JWS algorithm is checked (RFC 7518 §3.3, §3.4), and the only key that fits it. */
const JWS_ALGORITHMS: Record<
  string,
  { hash: string; dsaEncoding?: 'ieee-p1363'; canonical?: (signature: Uint8Array) => boolean; webCrypto: string; fits: (key: KeyObject) => boolean }
> = {
  ES256: {
    hash: 'sha256',
    // JWS carries ECDSA signatures as R || S (RFC 7518 §3.4), not DER.
    dsaEncoding: 'ieee-p1363',
    // One spelling per signature: the high-S twin of a valid signature is refused (ecdsa-low-s.ts).
    canonical: isCanonicalEs256Signature,
    webCrypto: 'ECDSA',
    fits: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  },
  RS256: {
    hash: 'sha256',
    webCrypto: 'RSASSA-PKCS1-v1_5',
    // RFC 7518 §3.3: RSA keys of at least 2048 bits.
    fits: (key) => key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048,
  },
};

/**
 * A CryptoKey from a resolver must have been imported for this algorithm and for `verify` (as jose requires):
 * an ECDH P-256 or RSA-OAEP key has the right type and size but is not a signature key.
 */
function importedFor(key: unknown, webCrypto: string): boolean {
  if (typeof key !== 'object' || key === null || !('algorithm' in key)) return true; // a KeyObject: no import metadata
  const { algorithm, usages } = key as { algorithm: { name?: string; hash?: { name?: string } }; usages?: readonly string[] };
  const hashOk = webCrypto !== 'RSASSA-PKCS1-v1_5' || algorithm.hash?.name === 'SHA-256';
  return algorithm.name === webCrypto && hashOk && (usages ?? []).includes('verify');
}

const fail = (reason: JwtCheckFailure, detail: string): JwtCheckResult => ({ ok: false, reason, detail });

/** The expected and actual `typ`, compared as RFC 7515 §4.1.9 says (case-insensitive, `application/` optional). */
function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Verifies a compact JWS JWT: header sanity (alg allow-list, `kid` present) before any key lookup, then
 * the key and signature, `typ`, required claims, `iss`, `aud`, `nbf`, `exp` and `iat` not in the future.
 */
export async function checkJwt(token: string, getKey: JWTVerifyGetKey, options: JwtCheckOptions): Promise<JwtCheckResult> {
  const parts = token.split('.');
  if (parts.length !== 3) return fail('malformed', 'not a compact JWS (3 segments)');
  const [protectedB64, payloadB64, signatureB64] = parts as [string, string, string];
  let header: JWTHeaderParameters;
  try {
    header = decodeProtectedHeader(token) as JWTHeaderParameters;
  } catch {
    return fail('malformed', 'protected header is not valid');
  }
  // RFC 8725 §3.1: `none` and anything else outside the allow-list is refused before any key lookup.
  const algorithm = typeof header.alg === 'string' && options.algorithms.includes(header.alg) ? JWS_ALGORITHMS[header.alg] : undefined;
  if (algorithm === undefined) {
    return fail('unsupported_alg', `alg ${JSON.stringify(String(header.alg)).slice(0, 40)} is not allowed`);
  }
  // Our issuers always send `kid` (RFC 7515 §4.1.4); without it a multi-key JWKS is ambiguous.
  if (typeof header.kid !== 'string' || header.kid === '') return fail('malformed', 'no "kid" header');
  // RFC 7515 §4.1.11: no extension is understood here, so none may be critical; RFC 7797 unencoded payloads are not JWTs.
  if ('crit' in header) return fail('unsupported_alg', '"crit" header parameters are not supported');
  if ('b64' in header) return fail('malformed', '"b64" header is not allowed in a JWT');

  // Strict segments before any key lookup: garbage must not be able to trigger a JWKS refetch.
  const signature = decodeBase64Url(signatureB64);
  const payloadBytes = decodeBase64Url(payloadB64);
  if (signature === undefined || payloadBytes === undefined || decodeBase64Url(protectedB64) === undefined) {
    return fail('malformed', 'a segment is not canonical base64url');
  }
  if (algorithm.canonical !== undefined && !algorithm.canonical(signature)) return fail('bad_signature', 'the signature is not in its canonical (low-S) form');

  let key: unknown;
  try {
    key = await getKey(header, { payload: payloadB64, signature: signatureB64, protected: protectedB64 });
  } catch (err) {
    const { reason, detail } = classifyJoseError(err);
    return fail(reason, detail);
  }
  const keyObject = importedFor(key, algorithm.webCrypto) ? nodeKeyObject(key) : undefined;
  if (keyObject === undefined || keyObject.type !== 'public' || !algorithm.fits(keyObject)) {
    return fail('unsupported_alg', `the key for kid ${JSON.stringify(header.kid).slice(0, 40)} does not fit ${header.alg}`);
  }
  let valid: boolean;
  try {
    const verifyKey = algorithm.dsaEncoding ? { key: keyObject, dsaEncoding: algorithm.dsaEncoding } : keyObject;
    valid = verifySignature(algorithm.hash, Buffer.from(`${protectedB64}.${payloadB64}`, 'ascii'), verifyKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail('bad_signature', 'signature verification failed');

  let payload: JWTPayload;
  try {
    payload = JSON.parse(strictUtf8.decode(payloadBytes)) as JWTPayload;
  } catch {
    return fail('malformed', 'payload is not UTF-8 JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return fail('malformed', 'payload is not a JSON object');
  return checkClaims(header, payload, options);
}

function checkClaims(header: JWTHeaderParameters, payload: JWTPayload, options: JwtCheckOptions): JwtCheckResult {
  if (options.typ !== undefined && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(options.typ))) {
    return fail('wrong_type', 'unexpected "typ" JWT header value');
  }
  for (const claim of new Set(['iss', ...(options.audience !== undefined ? ['aud'] : []), ...options.requiredClaims])) {
    if (!Object.hasOwn(payload, claim)) return fail('missing_claims', `missing required "${claim}" claim`);
  }
  if (payload.iss !== options.issuer) return fail('issuer_mismatch', 'unexpected "iss" claim value');
  if (options.audience !== undefined) {
    const aud = payload.aud;
    const matches = typeof aud === 'string' ? aud === options.audience : Array.isArray(aud) && aud.includes(options.audience);
    if (!matches) return fail('audience_mismatch', 'unexpected "aud" claim value');
  }
  const now = Math.floor(options.nowMs / 1000);
  const tolerance = options.clockToleranceSeconds;
  if (payload.nbf !== undefined) {
    if (!isNumericDate(payload.nbf)) return fail('malformed', '"nbf" claim must be a number');
    if (payload.nbf > now + tolerance) return fail('not_yet_valid', '"nbf" claim timestamp check failed');
  }
  if (!isNumericDate(payload.exp)) return fail(payload.exp === undefined ? 'missing_claims' : 'malformed', 'no numeric "exp"');
  if (payload.exp <= now - tolerance) return fail('expired', '"exp" claim timestamp check failed');
  if (payload.iat !== undefined) {
    if (!isNumericDate(payload.iat)) return fail('malformed', '"iat" must be a number');
    // RFC 7519 §4.1.6 + skew: a token issued in the future is not valid yet.
    if (payload.iat > now + tolerance) return fail('not_yet_valid', '"iat" is in the future');
  }
  return { ok: true, payload, header };
}
