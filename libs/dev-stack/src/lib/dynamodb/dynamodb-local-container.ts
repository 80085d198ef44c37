import type { EmbeddedDynamoDb } from './types';
import { waitUntilDynamoDbAnswers } from './wait-until-ready';

/**
 * Pinned image; override with env DYNAMODB_LOCAL_IMAGE. 1.25.1 is the engine the jar launcher runs
 * (amplify-dynamodb-simulator@2.9.30 ships DynamoDB Local 1.25.1), so the container and the jar test the
 * same version; docker-compose.yml names the same image (infra/test/compose.spec.ts).
 */
export const DYNAMODB_LOCAL_IMAGE = 'amazon/dynamodb-local:1.25.1';

/**
 * True when testcontainers finds a working container runtime. Without a daemon testcontainers fails
 * in well under a second; the timeout only guards a hanging socket.
 */
export async function containerRuntimeAvailable(timeoutMs = 3_000): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('container runtime probe timed out')), timeoutMs);
    });
    try {
      await Promise.race([getContainerRuntimeClient(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `amazon/dynamodb-local` through testcontainers (in memory, shared DB).
 * The container port is published by the runtime; testcontainers decides the host binding.
 */
export async function startDynamoDbLocalContainer(options: { port?: number } = {}): Promise<EmbeddedDynamoDb> {
  const { GenericContainer, Wait } = await import('testcontainers');
  let container = new GenericContainer(process.env['DYNAMODB_LOCAL_IMAGE'] ?? DYNAMODB_LOCAL_IMAGE)
    .withCommand(['-jar', 'DynamoDBLocal.jar', '-inMemory', '-sharedDb', '-disableTelemetry'])
    .withWaitStrategy(Wait.forListeningPorts());
  container = options.port
    ? container.withExposedPorts({ container: 8000, host: options.port })
    : container.withExposedPorts(8000);
  const started = await container.start();
  const endpoint = `http://${started.getHost()}:${started.getMappedPort(8000)}`;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= started.stop().then(() => undefined));
  try {
    await waitUntilDynamoDbAnswers(endpoint);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, engine: 'dynamodb-local', runtime: 'container', stop };
}
