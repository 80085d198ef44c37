import { startDynalite } from './dynalite';
import { containerRuntimeAvailable, startDynamoDbLocalContainer } from './dynamodb-local-container';
import { startDynamoDbLocalJar } from './dynamodb-local-jar';
import type { DynamoDbEngine, EmbeddedDynamoDb } from './types';

export interface StartDynamoDbLocalOptions {
  port?: number;
  /** `auto` (default): a container when a runtime works, else the jar. Env `DYNAMODB_LOCAL_RUNTIME` overrides. */
  runtime?: 'auto' | 'container' | 'jar';
}

/**
 * Starts the real DynamoDB Local engine: via testcontainers (`amazon/dynamodb-local`) when a container
 * runtime works, else from the provisioned jar with Java (see tools/scripts/provision-dynamodb-local.sh).
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<EmbeddedDynamoDb> {
  const runtime = options.runtime ?? parseRuntime(process.env['DYNAMODB_LOCAL_RUNTIME']) ?? 'auto';
  if (runtime === 'container' || (runtime === 'auto' && (await containerRuntimeAvailable()))) {
    return startDynamoDbLocalContainer({ port: options.port });
  }
  return startDynamoDbLocalJar({ port: options.port });
}

export interface StartEmbeddedDynamoDbOptions {
  engine?: DynamoDbEngine;
  /** Port to listen on; `0` or omitted picks a free one. */
  port?: number;
}

/**
 * Starts the embedded engine chosen by `options.engine`, else env `DYNAMODB_ENGINE`
 * (`dynalite` | `dynamodb-local`), else dynalite. Always on loopback.
 */
export async function startEmbeddedDynamoDb(options: StartEmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> {
  const engine = options.engine ?? embeddedEngineFromEnv();
  const port = options.port || undefined;
  return engine === 'dynamodb-local' ? startDynamoDbLocal({ port }) : startDynalite({ port });
}

/** The engine named by env `DYNAMODB_ENGINE` (default dynalite); throws on an unknown name. */
export function embeddedEngineFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoDbEngine {
  const value = env['DYNAMODB_ENGINE']?.trim();
  if (!value || value === 'dynalite') return 'dynalite';
  if (value === 'dynamodb-local') return 'dynamodb-local';
  throw new Error(`DYNAMODB_ENGINE must be "dynalite" or "dynamodb-local", got "${value}"`);
}

function parseRuntime(value: string | undefined): StartDynamoDbLocalOptions['runtime'] {
  if (value === undefined || value === '') return undefined;
  if (value === 'auto' || value === 'container' || value === 'jar') return value;
  throw new Error(`DYNAMODB_LOCAL_RUNTIME must be auto, container or jar, got "${value}"`);
}
