/** RFC 7515 §2 base64url: the URL-safe alphabet, no padding, nothing else. */
export const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url decoding of one JOSE segment (empty allowed): only the canonical spelling of some bytes is
 * accepted. Node's own decoder skips characters outside the alphabet, ignores the unused low bits of the last
 * character and drops a lone trailing character, so several strings would carry the same bytes; here every
 * other spelling is refused (`undefined`).
 */
export function decodeBase64Url(segment: string): Buffer | undefined {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

/** UTF-8 that refuses malformed input (JOSE payloads and plaintexts are UTF-8 JSON / text). Stateless: one is enough. */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
