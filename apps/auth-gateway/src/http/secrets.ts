import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random, URL-safe secret with `bytes` bytes of entropy (codes, ids, refresh tokens, client secrets). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Codes, refresh tokens and client secrets are stored only as SHA-256 hashes (DESIGN.md §4). They are
 * 256-bit random values, so a fast hash is enough: there is nothing to brute-force.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
