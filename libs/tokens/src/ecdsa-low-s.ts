/**
 * One spelling per ES256 signature. An ECDSA signature (r, s) has a twin (r, n - s) that verifies just as well
 * (RFC 6979 §2.4 leaves s unnormalised), so without a rule every gateway token has two valid spellings: a second
 * cache entry, a second "distinct" token in logs and deduplication. The rule here is Bitcoin's BIP 62 / BIP 146 "low
 * S": s must be at most n / 2. The minting side normalises what it signs; the verifying side refuses anything else,
 * together with r or s of zero or at least n (not valid encodings of a P-256 signature at all).
 */

/** The order of the P-256 group (SEC 2 §2.4.2, FIPS 186-4 D.1.2.3). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = P256_N >> 1n;
/** R || S, 32 bytes each (RFC 7518 §3.4). */
const SIGNATURE_BYTES = 64;

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function toBytes32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** True when `signature` is an ES256 signature in its one canonical form: 64 bytes, 0 < r < n, 0 < s <= n / 2. */
export function isCanonicalEs256Signature(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32));
  return r > 0n && r < P256_N && s > 0n && s <= HALF_N;
}

/** The low-S twin of an ES256 signature (the signature itself when it is already low-S). */
export function lowSEs256Signature(signature: Uint8Array): Uint8Array {
  if (signature.length !== SIGNATURE_BYTES) throw new TypeError('an ES256 signature is 64 bytes (R || S)');
  const s = toBigInt(signature.subarray(32));
  if (s <= HALF_N) return signature;
  return Buffer.concat([Buffer.from(signature.subarray(0, 32)), toBytes32(P256_N - s)]);
}

/** A compact ES256 JWS with its signature in the low-S form (what the gateway publishes). */
export function withLowSSignature(compactJws: string): string {
  const dot = compactJws.lastIndexOf('.');
  const signature = Buffer.from(compactJws.slice(dot + 1), 'base64url');
  const canonical = lowSEs256Signature(signature);
  return canonical === signature ? compactJws : `${compactJws.slice(0, dot + 1)}${Buffer.from(canonical).toString('base64url')}`;
}
