import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_PREFIXES, TABLE_ACCESS } from '@mcp-cognito/contracts';
import type { ServiceName } from '@mcp-cognito/routing';
import { workspaceRoot } from '../src/config/workspace';

/**
 * libs/storage/docs/key-layout.md "Who may touch what" is the human-readable form of libs/contracts
 * TABLE_ACCESS, which the infra app turns into the task roles' LeadingKeys conditions: the two must agree.
 */
describe('key-layout doc: "Who may touch what" equals libs/contracts TABLE_ACCESS', () => {
  const doc = readFileSync(join(workspaceRoot(), 'libs/storage/docs/key-layout.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Who may touch what'), doc.indexOf('## ', doc.indexOf('## Who may touch what') + 3));
  const rows = new Map(
    [...section.matchAll(/^\| `([A-Z]+#)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], { 'auth-gateway': m[2].trim(), 'mcp-tools': m[3].trim() }]),
  );
  const expected = (service: ServiceName, prefix: string) => {
    const access = TABLE_ACCESS[service] as { readWrite: readonly string[]; readOnly: readonly string[] };
    return access.readWrite.includes(prefix) ? 'read-write' : access.readOnly.includes(prefix) ? 'read-only' : '-';
  };

  it.each(Object.values(KEY_PREFIXES))('%s: one row, with each service\'s access as TABLE_ACCESS grants it', (prefix) => {
    expect(rows.get(prefix)).toEqual({ 'auth-gateway': expected('auth-gateway', prefix), 'mcp-tools': expected('mcp-tools', prefix) });
  });

  it('a prefix libs/contracts does not list is denied to both services', () => {
    const known = new Set<string>(Object.values(KEY_PREFIXES));
    for (const [prefix, access] of rows) if (!known.has(prefix)) expect([prefix, access]).toEqual([prefix, { 'auth-gateway': '-', 'mcp-tools': '-' }]);
    expect(rows.size).toBeGreaterThanOrEqual(known.size);
  });
});
