import { InvalidRequest } from '@mcp-cognito/oauth';

/**
 * The token endpoint's form parameters. RFC 6749 §3.2: a parameter sent more than once, or one that
 * is not a plain string, makes the request invalid.
 */
export function formParams(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequest('The request body must be form-encoded.');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new InvalidRequest(`Parameter ${key.slice(0, 40)} must appear once, as a string.`);
    out[key] = value;
  }
  return out;
}

export function required(params: Record<string, string>, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw new InvalidRequest(`${name} is required.`);
  return v;
}
