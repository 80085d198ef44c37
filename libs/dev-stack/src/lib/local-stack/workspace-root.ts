import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The monorepo root: the nearest folder holding `nx.json` above the first start that has one (default: the
 * cwd, then this module's own folder). The one lookup of dev-stack (local stack, local-idp, DynamoDB Local).
 */
export function findWorkspaceRoot(...starts: string[]): string {
  const from = starts.length > 0 ? starts : [process.cwd(), __dirname];
  for (const start of from) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the workspace root (nx.json) above ${from.join(' or ')}`);
}
