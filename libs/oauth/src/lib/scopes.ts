/**
 * The one scope grammar of the workspace (RFC 6749 §3.3): `scope = scope-token *( SP scope-token )`,
 * `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`, case-sensitive. Used for request parameters, client metadata,
 * the `scope` claim the gateway mints and the claims resource servers read (gateway and Cognito tokens alike).
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Parses a scope string into distinct tokens, in order. Absent or empty is the empty list; anything that is not
 * a string of valid scope tokens separated by spaces is `undefined` (the caller decides which error that is).
 */
export function parseScope(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw !== 'string') return undefined;
  const parts = raw.split(' ').filter(Boolean);
  if (!parts.every((p) => SCOPE_TOKEN.test(p))) return undefined;
  return [...new Set(parts)];
}

/** Builds a scope string from a list (distinct, in order). Throws on a token RFC 6749 §3.3 does not allow. */
export function formatScope(scopes: readonly string[]): string {
  const list = [...new Set(scopes)];
  for (const s of list) {
    if (!SCOPE_TOKEN.test(s)) throw new TypeError(`invalid scope token ${JSON.stringify(s)} (RFC 6749 §3.3)`);
  }
  return list.join(' ');
}

/**
 * The scopes of `scopes` that `set` does not contain: what a request asks beyond what is allowed, or what an
 * operation requires beyond what a token grants (RFC 6750 §3.1 `insufficient_scope`).
 */
export function scopesOutside(scopes: readonly string[], set: readonly string[]): string[] {
  return scopes.filter((s) => !set.includes(s));
}
