import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The monorepo root (the nearest folder holding `nx.json`), from the working directory first and
 * this file's folder second - never a path relative to compiled output. Docker image assets use it
 * as their build context so that the Dockerfiles can run `npm ci` and `nx build`.
 */
export function workspaceRoot(from: string = process.cwd()): string {
  for (const start of [from, __dirname]) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the workspace root (nx.json) above ${from}`);
}
