import { ConfigError } from '@mcp-cognito/config';

/**
 * Starts a service and turns start-up failures into one clear line on stderr and exit code 1:
 * a configuration error prints its list of problems, anything else its message (no stack for
 * ConfigError: the list is the whole story).
 */
export async function runService(name: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  }
}
