import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43-128 characters from the unreserved set. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** An S256 challenge is base64url(SHA-256(verifier)): exactly 43 characters without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export type PkceCheck = { ok: true } | { ok: false; reason: string };

/**
 * OAuth 2.1 §4.1.1 / MCP authorization: PKCE is required and only S256 is accepted; `plain` and a
 * missing challenge are refused.
 */
export function checkCodeChallenge(challenge: unknown, method: unknown): PkceCheck {
  if (challenge === undefined || challenge === null || challenge === '') return { ok: false, reason: 'code_challenge is required (PKCE, S256)' };
  if (method !== 'S256') {
    return { ok: false, reason: method === undefined || method === '' || method === 'plain' ? 'code_challenge_method must be S256' : 'unsupported code_challenge_method' };
  }
  if (typeof challenge !== 'string' || !S256_CHALLENGE.test(challenge)) return { ok: false, reason: 'code_challenge is not a valid S256 challenge' };
  return { ok: true };
}

/** RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge (constant time). */
export function verifyPkceS256(verifier: unknown, challenge: string): boolean {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** Makes a verifier/challenge pair (the gateway's own upstream PKCE, and tests). */
export function createPkcePair(verifier: string): { verifier: string; challenge: string } {
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
