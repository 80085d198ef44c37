import { readFileSync } from 'node:fs';

/**
 * `<NAME>_FILE`: the value of `NAME` is the content of that file (the Docker, compose and Kubernetes convention
 * for secrets mounted as files), without its trailing line break. Only for the variables a service declares, so
 * that a variable whose own name ends in `_FILE` is never mistaken for a reference. Setting both is an error.
 */
export function resolveFileVariables(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
): { env: Record<string, string | undefined>; problems: string[] } {
  const out: Record<string, string | undefined> = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name} and ${name}_FILE are both set (set one)`);
      continue;
    }
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      // The path is configuration, not a secret: naming it tells the operator what to fix.
      problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return { env: out, problems };
}
