import type { z } from 'zod';
import { ConfigError } from './config-error';

/**
 * Parses `env` with `schema` and either returns the typed result or throws one {@link ConfigError}
 * that lists every invalid variable. Empty strings count as unset (compose files and shells
 * commonly pass `VAR=`).
 */
export function parseEnvironment<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv,
): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) throw ConfigError.fromZod(service, result.error);
  return result.data;
}
