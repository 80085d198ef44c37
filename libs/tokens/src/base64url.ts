/** RFC 7515 §2 base64url: the URL-safe alphabet, no padding, nothing else. */
export const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url decoding of one JOSE segment (empty allowed). Node's own decoder skips characters outside
 * the alphabet, so two different strings could carry the same bytes; here they are refused (`undefined`).
 */
export function decodeBase64Url(segment: string): Buffer | undefined {
  return BASE64URL.test(segment) ? Buffer.from(segment, 'base64url') : undefined;
}
