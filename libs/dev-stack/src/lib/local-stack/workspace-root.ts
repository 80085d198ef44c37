import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder above `from` (or the cwd) that holds `nx.json`. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  for (const start of [from, __dirname]) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`cannot find the workspace root (nx.json) above ${from}`);
}
