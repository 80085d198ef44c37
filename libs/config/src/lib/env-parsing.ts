import { z } from 'zod';

/**
 * Small zod building blocks for environment variables. Environment values are always strings (or
 * absent); these turn them into typed values with messages that name the rule that failed.
 */

/** `true/false/1/0/yes/no` (case-insensitive). Insecure switches built on this default to `false`. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return defaultValue;
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

/** A positive integer with bounds, e.g. a port or a lifetime in seconds. */
export const envInt = (defaultValue: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return defaultValue;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Loopback hosts per RFC 8252 §7.3 (and `localhost`, which resolves to loopback by convention), as
 * `URL.hostname` spells them (IPv6 in brackets). `localhost.evil.com` is not one.
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * An absolute http(s) URL without query, fragment or trailing slash. `http:` is accepted only for
 * loopback hosts (local development): everything else must be https (OAuth 2.1 §1.5).
 */
export const envPublicUrl = () =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
        return z.NEVER;
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
        ctx.addIssue({ code: 'custom', message: 'must use https (http is allowed only for loopback hosts)' });
        return z.NEVER;
      }
      if (url.search || url.hash || url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: 'must not carry a query, fragment or credentials' });
        return z.NEVER;
      }
      // One canonical spelling: no trailing slash (the issuer must be byte-identical everywhere).
      return v.replace(/\/+$/, '');
    });

/** A comma-separated list of public URLs (see {@link envPublicUrl}). */
export const envUrlList = () =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const items = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const out: string[] = [];
      for (const item of items) {
        const parsed = envPublicUrl().safeParse(item);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `"${item}" ${parsed.error.issues[0]?.message ?? 'is invalid'}` });
          return z.NEVER;
        }
        out.push(parsed.data);
      }
      if (out.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'must list at least one URL' });
        return z.NEVER;
      }
      return out;
    });

/** A comma-separated list of plain strings (empty entries dropped). */
export const envList = () =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/**
 * A variable holding JSON, turned into a value by `parse` (which throws with a message naming what is wrong); the
 * problem is reported under the variable's name, never with its value.
 */
export const envJson = <T>(parse: (value: unknown) => T) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      try {
        return parse(JSON.parse(v));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof SyntaxError ? 'is not valid JSON' : error instanceof Error ? error.message : 'is invalid' });
        return z.NEVER;
      }
    });
