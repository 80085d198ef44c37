/**
 * Secrets never reach the logs (docs/architecture.md#invariants): tokens, codes, verifiers, secrets, passwords, cookies
 * and Authorization headers are replaced before a line is written, wherever they sit in the object.
 */
export const REDACTED = '[redacted]';

/** Keys whose values are secret: any key containing "token", "secret", "password", and the OAuth names. */
const SECRET_KEY =
  /token|secret|password|passwd|authorization|cookie|^code$|code_verifier|codeverifier|^assertion$|^state$|^nonce$/i;

/** Query parameters that carry secrets (authorization responses put `code` in the URL). */
const SECRET_QUERY = /token|secret|password|^code$|code_verifier|^state$|^nonce$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Returns `value` with secret-named keys replaced: a copy of every object or array that has something to replace,
 * the object itself when nothing in it is secret (the formatter of every log line, so a clean line - most of them,
 * every request line - costs no copies). Only plain objects and arrays are walked (never sockets, requests or
 * class instances), to a bounded depth. The input is never modified.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const redacted = redactSecrets(v, depth + 1);
      if (redacted !== v) (copy ??= value.slice())[i] = redacted;
    }
    return (copy ?? value) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i];
    const redacted = isSecretKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redactSecrets(v, depth + 1);
    if (redacted !== v && out === undefined) {
      // The first change: copy what came before it (own enumerable string keys, as Object.entries gives them).
      out = {};
      for (let j = 0; j < i; j++) out[entries[j][0]] = entries[j][1];
    }
    if (out !== undefined) out[key] = redacted;
  }
  return (out ?? value) as T;
}

/** `"/callback?code=abc&state=x"` -> `"/callback?code=[redacted]&state=[redacted]"`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...new Set(params.keys())]) {
    if (SECRET_QUERY.test(key)) params.set(key, REDACTED);
  }
  return `${url.slice(0, q)}?${params.toString().replace(/%5Bredacted%5D/g, REDACTED)}`;
}

/**
 * For pino's `err` serializer, after the standard one: an error's own properties (an HTTP client's `config`
 * with its headers, a `token` or `password` field) are walked like any logged object. `type`, `message`,
 * `stack` and `code` stay as they are - on an error, `code` is the error's code, not an authorization code.
 */
export function redactErrorFields(serialized: object): Record<string, unknown> {
  const { type, message, stack, code, ...rest } = serialized as Record<string, unknown>;
  return { type, message, stack, code, ...redactSecrets(rest) };
}
