import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEFAULT_STORAGE_DEADLINES } from '@mcp-cognito/storage';
import { ALICE, McpServerTestHarness, startMcpTools, resultJson, resultText } from './support/harness';

const RETRY = DEFAULT_STORAGE_DEADLINES.retryAfterSeconds;

async function timed<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  try {
    return { value: await run(), ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/**
 * Issue 18 "outage answers" for an MCP server: with its table down (connections reset) or hung (nothing answers), a
 * tool call that needs storage answers within the storage budget with a tool error that says "temporarily
 * unavailable, try again" (not a generic failure, nothing internal), resources answer a clean JSON-RPC error, tools
 * that need no storage keep working, the health endpoints report it, and the same process recovers on its own.
 */
describe.each([
  ['down', 1_000],
  ['hang', DEFAULT_STORAGE_DEADLINES.budgetMs + 1_000],
] as const)('mcp-tools with its table %s', (mode, boundMs) => {
  let h: McpServerTestHarness;
  let alice: Client;
  let noteId: string;

  beforeAll(async () => {
    h = await startMcpTools({ faultyStorage: true });
    alice = await h.client(await h.mint(ALICE));
    noteId = resultJson<{ id: string }>(await alice.callTool({ name: 'notes_create', arguments: { title: 'before', body: 'kept' } })).id;
  });
  afterAll(async () => {
    await alice?.close();
    await h?.stop();
  });

  it(`storage-backed tools say "temporarily unavailable, try again" within ${boundMs} ms; whoami still works`, async () => {
    h.storage!.mode = mode;
    try {
      const calls = {
        notes_list: {},
        notes_get: { id: noteId },
        notes_create: { title: 'during', body: 'outage' },
        notes_delete: { id: noteId },
      };
      const results = await Promise.all(
        Object.entries(calls).map(async ([name, args]) => ({ name, ...(await timed(() => alice.callTool({ name, arguments: args }))) })),
      );
      for (const r of results) {
        expect({ tool: r.name, isError: (r.value as { isError?: boolean }).isError }).toEqual({ tool: r.name, isError: true });
        expect(resultText(r.value)).toBe(`${r.name} is temporarily unavailable (its storage did not answer); try again in ${RETRY} seconds`);
        expect({ tool: r.name, fast: r.ms < boundMs }).toEqual({ tool: r.name, fast: true });
      }
      const whoami = await alice.callTool({ name: 'whoami', arguments: {} });
      expect(whoami.isError).toBeFalsy();
      expect(resultJson(whoami)).toMatchObject({ sub: ALICE.sub });
    } finally {
      h.storage!.mode = 'pass';
    }
  });

  it('resources answer a clean JSON-RPC error (-32603, nothing internal in it)', async () => {
    h.storage!.mode = mode;
    try {
      const [listed, read] = await Promise.all([timed(() => alice.listResources()), timed(() => alice.readResource({ uri: `note://${noteId}` }))]);
      for (const [operation, r] of [['resources/list', listed], ['resources/read', read]] as const) {
        expect(r.error).toMatchObject({ code: -32603 });
        expect((r.error as Error).message).toContain(`${operation} is temporarily unavailable (its storage did not answer); try again in ${RETRY} seconds`);
        expect((r.error as Error).message).not.toMatch(/ECONN|127\.0\.0\.1|dynamo|Timeout/i);
        expect(r.ms).toBeLessThan(boundMs);
      }
    } finally {
      h.storage!.mode = 'pass';
    }
  });

  it('the health endpoints report the table down (503), then up again', async () => {
    h.storage!.mode = mode;
    try {
      for (const path of ['/health', '/health/ready']) {
        const res = await fetch(`${h.url}${path}`);
        expect(res.status).toBe(503);
        expect(((await res.json()) as { error: Record<string, { status: string }> }).error['dynamodb']?.status).toBe('down');
      }
    } finally {
      h.storage!.mode = 'pass';
    }
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });

  it('recovers without a restart: nothing was half-done, and every tool works again', async () => {
    // notes_delete did not happen and notes_create did not either.
    const list = resultJson<{ notes: Array<{ id: string; title: string }> }>(await alice.callTool({ name: 'notes_list', arguments: {} }));
    expect(list.notes.map((n) => n.title)).toEqual(['before']);
    const created = await alice.callTool({ name: 'notes_create', arguments: { title: 'after', body: '' } });
    expect(created.isError).toBeFalsy();
    expect((await alice.readResource({ uri: `note://${noteId}` })).contents).toHaveLength(1);
  });
});
