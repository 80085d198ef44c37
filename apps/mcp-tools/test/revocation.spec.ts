import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ALICE, BOB, McpServerTestHarness, startMcpTools } from './support/harness';

const POLL_MS = 500;
const whoami = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };

/** Polls `check` every 25 ms until it is true; returns how long it took, or throws after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${limitMs} ms`);
}

/**
 * docs/architecture.md#revocation at the MCP server: a grant or user named by the revocation feed is refused (401
 * invalid_token) by every instance within the poll interval plus one read, while tool calls make no storage request.
 */
describe('revocation feed: revoked grants and users are refused by every instance within the poll interval', () => {
  let h: McpServerTestHarness;
  const instances: { app: NestFastifyApplication; url: string }[] = [];

  beforeAll(async () => {
    h = await startMcpTools();
    for (let i = 0; i < 2; i++) instances.push(await h.startAnotherApp({ REVOCATION_POLL_MS: String(POLL_MS) }));
  });
  afterAll(async () => {
    for (const i of instances) await i.app.close();
    await h?.stop();
  });

  const statusAt = async (url: string, token: string) => (await h.post(whoami, { token, url: `${url}/mcp` })).status;

  it('a revoked grant: 401 invalid_token "revoked" at both instances within the poll interval; other grants keep working', async () => {
    const revoked = await h.mint(ALICE, { grantRef: 'aaaaaaaaaaaaaaaa' });
    const other = await h.mint(ALICE, { grantRef: 'bbbbbbbbbbbbbbbb' });
    for (const i of instances) expect(await statusAt(i.url, revoked)).toBe(200);

    await h.gatewayRepositories().revocationFeed.add({ target: 'grant', ref: 'aaaaaaaaaaaaaaaa', reason: 'revoked_by_client', coverSeconds: 1200 });
    const times = await Promise.all(instances.map((i) => within(POLL_MS + 1500, async () => (await statusAt(i.url, revoked)) === 401)));
    for (const t of times) expect(t).toBeLessThan(POLL_MS + 1500);

    const res = await h.post(whoami, { token: revoked, url: `${instances[0]!.url}/mcp` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token", error_description="The access token has been revoked"/);
    for (const i of instances) expect(await statusAt(i.url, other)).toBe(200);
  });

  it('a revoked user: every token issued until the revocation is refused; one issued after it works', async () => {
    const before = await h.mint(BOB, { grantRef: 'cccccccccccccccc' });
    const alice = await h.mint(ALICE, { grantRef: 'dddddddddddddddd' });
    await h.gatewayRepositories().revocationFeed.add({ target: 'user', ref: BOB.sub, reason: 'admin', coverSeconds: 1200 });
    for (const i of instances) await within(POLL_MS + 1500, async () => (await statusAt(i.url, before)) === 401);
    for (const i of instances) expect(await statusAt(i.url, alice)).toBe(200);

    // `iat` has second precision: a token from the next second on is a new sign-in.
    await new Promise((r) => setTimeout(r, 1100));
    const after = await h.mint(BOB, { grantRef: 'eeeeeeeeeeeeeeee' });
    for (const i of instances) expect(await statusAt(i.url, after)).toBe(200);
  });

  it('zero storage requests per tool call with revocation on: only the timer reads the feed (one Query per poll)', async () => {
    const token = await h.mint(ALICE, { grantRef: 'ffffffffffffffff' });
    h.resetStorageRequests();
    const started = performance.now();
    while (performance.now() - started < 2_000) expect(await statusAt(h.url, token)).toBe(200);
    expect(h.storageRequests).toEqual([]);
    // The harness's own app polls at the default 5 s: at most one read in these 2 s, whatever the number of calls.
    expect(h.feedReads).toBeLessThanOrEqual(1);
  });

  it('/health reports the revocation set', async () => {
    const res = await fetch(`${instances[0]!.url}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { details: Record<string, unknown> }).details['revocation_feed']).toMatchObject({ status: 'up', state: 'current', grants: 1, users: 1 });
  });
});

/**
 * docs/architecture.md#revocation "feed unreachable": tokens are accepted for REVOCATION_FAIL_OPEN_MS past a missed
 * read (counted), then refused with 503 + Retry-After (not 401: the token may be fine, and a 401 makes clients discard
 * it and sign in again); /health says so; the first good read ends it.
 */
describe('revocation feed unreachable: fail open for at most REVOCATION_FAIL_OPEN_MS, then fail closed (503)', () => {
  let h: McpServerTestHarness;
  let instance: { app: NestFastifyApplication; url: string };

  beforeAll(async () => {
    h = await startMcpTools({ faultyStorage: true });
    instance = await h.startAnotherApp({ REVOCATION_POLL_MS: String(POLL_MS), REVOCATION_FAIL_OPEN_MS: '1000' });
  });
  afterAll(async () => {
    await instance?.app.close();
    await h?.stop();
  });

  it('accepted while stale, 503 once the window has passed, accepted again after the table is back', async () => {
    const token = await h.mint(ALICE, { grantRef: '1111111111111111' });
    const post = () => h.post(whoami, { token, url: `${instance.url}/mcp` });
    expect((await post()).status).toBe(200);

    h.storage!.mode = 'down';
    try {
      // Still accepted right after the outage began (fail open)...
      expect((await post()).status).toBe(200);
      // ...then refused: poll interval + storage budget (2.5 s) + fail-open window (1 s).
      await within(POLL_MS + 2_500 + 1_000 + 1_500, async () => (await post()).status === 503);
      const res = await post();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('www-authenticate')).toBeNull();
      const health = await fetch(`${instance.url}/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { details: Record<string, unknown> }).details['revocation_feed']).toMatchObject({ status: 'down' });
    } finally {
      h.storage!.mode = 'pass';
    }
    await within(POLL_MS + 3_000, async () => (await post()).status === 200);
  });
});
