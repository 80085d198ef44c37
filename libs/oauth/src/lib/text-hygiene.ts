/**
 * What client-supplied strings may contain before they are stored and shown (RFC 7591 §2 metadata: a client name on
 * the consent page, URIs in redirects and links).
 */

/** C0 and C1 control characters and DEL (Unicode category Cc). Matching them is the point of this rule. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional overrides and isolates: they make a name display as something else (Unicode TR #9; CVE-2021-42574). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** A surrogate without its pair: no UTF-8 encoding exists for it (what `\ud800` in JSON produces). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** U+FFFD: what a lenient decoder put where the bytes were not valid UTF-8. */
const REPLACEMENT = /\ufffd/;

/**
 * Text a person will read: valid Unicode (encodable as UTF-8), no control characters, no bidirectional overrides, no
 * trace of an invalid encoding. Returns the rule a value breaks, or `undefined` when it is clean.
 */
export function textProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value) || REPLACEMENT.test(value)) return 'must be valid UTF-8 text';
  if (BIDI_CONTROL.test(value)) return 'must not contain bidirectional control characters';
  return undefined;
}

/** RFC 3986 §2: a URI is printable ASCII; anything else (spaces, controls, non-ASCII) must be percent-encoded. */
export function isAsciiUri(value: string): boolean {
  return /^[\x21-\x7e]*$/.test(value);
}
