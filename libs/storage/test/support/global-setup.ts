import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as devStack from '@mcp-cognito/dev-stack';
import type { EmbeddedDynamoDb } from '@mcp-cognito/dev-stack';

type DevStack = typeof devStack;

declare global {
  var __storageTestDynamoDb: EmbeddedDynamoDb | undefined;
}

/**
 * Jest loads globalSetup with Node's own `require`, not with its resolver, so the workspace alias is
 * resolved here from tsconfig.base.json (the same mapping Jest and tsc use).
 */
function loadDevStack(): DevStack {
  const root = join(__dirname, '../../../..');
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  const [entry] = tsconfig.compilerOptions.paths['@mcp-cognito/dev-stack'] as string[];
  // Only the DynamoDB launchers: the rest of dev-stack imports other workspace libs by alias, which
  // Node's plain require cannot resolve here.
  return require(join(root, dirname(entry), 'lib/dynamodb'));
}

/**
 * Starts the engine named by DYNAMODB_ENGINE (default dynalite) once for the whole run; test workers
 * (forked afterwards) find it through STORAGE_TEST_DYNAMODB_ENDPOINT.
 */
export default async function globalSetup(): Promise<void> {
  const db = await loadDevStack().startEmbeddedDynamoDb();
  globalThis.__storageTestDynamoDb = db;
  process.env['STORAGE_TEST_DYNAMODB_ENDPOINT'] = db.endpoint;
  process.env['STORAGE_TEST_DYNAMODB_ENGINE'] = db.engine;
  process.stderr.write(`\nstorage tests: ${db.engine} (${db.runtime}) at ${db.endpoint}\n`);
}
