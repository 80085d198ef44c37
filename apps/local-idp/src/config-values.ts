import { z } from 'zod';
import { isLoopbackHost } from '@mcp-cognito/config';
import { SUPPORTED_SCOPES } from './scopes';

export interface PrivateRsaJwk {
  kty: 'RSA';
  n: string;
  e: string;
  d: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  kid?: string;
  alg?: string;
  use?: string;
}

/** zod building blocks for local-idp's environment: each turns one string into a typed, checked value. */

/** Cognito accepts https callback URLs, and plain http only for localhost testing; never fragments. */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL`;
  }
  if (url.hash) return `"${value}" must not contain a fragment`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname))
    return undefined;
  if (url.protocol === 'http:')
    return `"${value}" uses http on a non-loopback host (only https or http://localhost|127.0.0.1|[::1])`;
  // Private-use schemes (com.example.app:/cb) are allowed by Cognito for native apps.
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return `"${value}" has an unsupported scheme ${url.protocol}`;
}

export const uriList = z.array(z.string()).superRefine((uris, ctx) => {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

// Cognito client ids are [\w+]+ (26 chars in practice); secrets are opaque strings without whitespace.
export const clientId = z
  .string()
  .regex(/^[\w+.-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9_+.-]');
export const clientSecret = z
  .string()
  .regex(/^\S{1,256}$/, 'must be 1-256 non-whitespace characters');

export const clientSchema = z
  .object({
    clientId,
    clientSecret: clientSecret.optional(),
    clientName: z.string().max(128).optional(),
    redirectUris: uriList.min(1, 'at least one redirect URI is required'),
    logoutUris: uriList.default([]),
    scopes: z
      .array(z.enum(SUPPORTED_SCOPES as [string, ...string[]]))
      .min(1)
      .default([...SUPPORTED_SCOPES]),
    enableTokenRevocation: z.boolean().default(true),
  })
  .strict();

/** Parse a JSON env value inside zod, so a syntax error is reported beside every other problem. */
export function json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `not valid JSON (${(err as Error).message})`,
        });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const secondsValue = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of seconds')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1)
      .max(10 * 365 * 24 * 3600),
  );
export const seconds = (fallback: number) =>
  secondsValue.optional().transform((v) => v ?? fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      error: 'must be true or false',
    })
    .optional()
    .transform((v) =>
      v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes',
    );

export const portNumber = z
  .string()
  .regex(/^\d+$/, 'must be a port number')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535));

/** A public origin (scheme, host, port; no path, query or fragment). */
export const origin = z
  .string()
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an absolute http(s) URL',
      });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    }
    if (url.pathname !== '/' || url.search || url.hash) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an origin without path, query or fragment',
      });
    }
  })
  .transform((v) => new URL(v).origin);

export const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const rsaPrivateJwk = z
  .looseObject({
    kty: z.literal('RSA', {
      error: 'only RSA keys are supported (Cognito signs with RS256)',
    }),
    n: z.string().min(1),
    e: z.string().min(1),
    d: z.string({ error: 'must be a private key (missing "d")' }).min(1),
    kid: z.string().min(1).optional(),
    alg: z.literal('RS256').optional(),
    use: z.literal('sig').optional(),
  })
  .transform((k) => k as unknown as PrivateRsaJwk);
