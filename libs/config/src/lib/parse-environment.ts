import { z } from 'zod';
import { ConfigError } from './config-error';
import { resolveFileVariables } from './file-variables';

/**
 * Parses `env` with `schema` and either returns the typed result or throws one {@link ConfigError}
 * that lists every invalid variable. Empty strings count as unset (compose files and shells
 * commonly pass `VAR=`). Every variable of an object schema may instead be given as a file
 * (`<NAME>_FILE`, see {@link resolveFileVariables}).
 */
export function parseEnvironment<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv,
): z.infer<S> {
  const names = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const resolved = resolveFileVariables(env, names);
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(resolved.env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  const problems = [...resolved.problems, ...(result.success ? [] : ConfigError.fromZod(service, result.error).problems)];
  if (problems.length > 0) throw new ConfigError(service, problems);
  return result.data as z.infer<S>;
}
