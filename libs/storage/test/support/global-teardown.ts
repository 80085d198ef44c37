/** Stops the engine started by global-setup.ts. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__storageTestDynamoDb?.stop();
  globalThis.__storageTestDynamoDb = undefined;
}
