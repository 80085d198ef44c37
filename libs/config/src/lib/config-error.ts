import type { z } from 'zod';

/**
 * Thrown once at start-up when the environment is invalid. Its message lists every invalid variable
 * (never its value: values may be secrets), so a bad deployment is fixed in one round trip.
 */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }

  static fromZod(service: string, error: z.ZodError): ConfigError {
    const problems = error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      // zod's default message for an absent required string is "expected string, received undefined".
      const message = issue.code === 'invalid_type' && /undefined/.test(issue.message) ? 'is required' : issue.message;
      return `${name} ${message}`;
    });
    return new ConfigError(service, problems);
  }
}
