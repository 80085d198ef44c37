/** RFC 6749 §3.3: scope is a space-delimited list of case-sensitive tokens (NQCHAR). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw !== 'string') return undefined;
  const parts = raw.split(' ').filter(Boolean);
  if (!parts.every((p) => SCOPE_TOKEN.test(p))) return undefined;
  return [...new Set(parts)];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/** Scopes in `requested` that are not in `allowed`. */
export function scopesOutside(requested: readonly string[], allowed: readonly string[]): string[] {
  return requested.filter((s) => !allowed.includes(s));
}
