import { z } from 'zod';

/**
 * A JWK Set passed as a JSON string (from Secrets Manager in AWS, from `.local/` in development).
 * Only the shape is checked here; the token lib imports the keys and reports bad key material.
 */
export const envJwkSet = () =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (v) => {
        try {
          const parsed = JSON.parse(v) as { keys?: unknown };
          return Array.isArray(parsed.keys) && parsed.keys.length > 0;
        } catch {
          return false;
        }
      },
      { message: 'must be a JSON JWK Set: {"keys":[...]} with at least one key' },
    );

/** A secret of at least 32 characters (e.g. 32 random bytes base64url-encoded). */
export const envSecret = (minLength = 32) =>
  z.string().min(minLength, `must be at least ${minLength} characters (e.g. openssl rand -base64 32)`);
