import { HttpBrowser, type LocalStack, type SingleOriginProxy } from '@mcp-cognito/dev-stack';
import { McpSession } from './support/mcp-session';
import { ALICE, BOB, headlessClient, missingStep, READ, startE2eStack, WRITE } from './support/e2e-stack';

/**
 * docs/architecture.md#invariants "no state in process memory that another instance would need: any step of a flow may
 * hit any instance" - two gateway and two tools instances behind the single-origin proxy, round-robin,
 * and one gateway instance stopped in the middle of an authorization.
 */

/** An HttpBrowser that runs a hook before the first request whose path matches (once). */
class HookedBrowser extends HttpBrowser {
  constructor(private readonly hooks: Array<{ path: string; run: () => Promise<void>; done?: boolean }>) {
    super();
  }

  override async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const path = new URL(url).pathname;
    for (const hook of this.hooks) {
      if (!hook.done && hook.path === path) {
        hook.done = true;
        await hook.run();
      }
    }
    return super.request(url, init);
  }
}

describe('several instances per service behind one origin (round-robin)', () => {
  let stack: LocalStack;
  let proxy: SingleOriginProxy;

  beforeAll(async () => {
    stack = await startE2eStack({ singleOrigin: true, instances: { gateway: 2, tools: 2 } });
    proxy = stack.proxy!;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs two instances of each service, each healthy on its own port', async () => {
    expect(stack.instances.gateway).toHaveLength(2);
    expect(stack.instances.tools).toHaveLength(2);
    const urls = [...stack.instances.gateway, ...stack.instances.tools].map((i) => i.url);
    expect(new Set(urls).size).toBe(4);
    for (const url of urls) expect((await fetch(`${url}/health`)).status).toBe(200);
    expect([...proxy.upstreams('auth-gateway'), ...proxy.upstreams('mcp-tools')].map((u) => u.url).sort()).toEqual([...urls].sort());
    // Every other MCP server of the workspace is behind the same proxy, one instance each.
    expect(proxy.upstreams().map((u) => u.url).sort()).toEqual([...urls, ...stack.servers.map((s) => s.url)].sort());
  });

  it('the full SDK flow passes while consecutive requests alternate between the instances of each service', async () => {
    proxy.resetHits();
    const c = await headlessClient(stack, 'e2e agent, two instances');
    const session = await McpSession.connect(stack.urls.mcp, c.provider);
    try {
      const me = await session.callJson<{ username: string; scopes: string[] }>('whoami');
      expect(me.username).toBe(ALICE.username);
      expect([...me.scopes].sort()).toEqual([READ, WRITE]);
      const created = await session.callJson<{ id: string }>('notes_create', { title: 'multi-instance', body: 'x' });
      for (let i = 0; i < 3; i++) {
        const list = await session.callJson<{ notes: Array<{ id: string }> }>('notes_list', {});
        expect(list.notes.map((n) => n.id)).toContain(created.id); // written via one instance, read via both
      }
      expect(await session.callJson('notes_get', { id: created.id })).toMatchObject({ id: created.id });
      await session.callJson('notes_delete', { id: created.id });
    } finally {
      await session.close();
    }

    // Every step of the flow (register, authorize, consent, callback, token; MCP calls) went through the
    // proxy; with strict round-robin and no failures, the two instances' counts differ by at most one.
    for (const service of ['auth-gateway', 'mcp-tools'] as const) {
      const [a, b] = proxy.upstreams(service);
      expect({ service, failures: a!.failures + b!.failures }).toEqual({ service, failures: 0 });
      expect(a!.hits).toBeGreaterThanOrEqual(3);
      expect(b!.hits).toBeGreaterThanOrEqual(3);
      expect(Math.abs(a!.hits - b!.hits)).toBeLessThanOrEqual(1);
    }
  });

  it('one gateway instance stopped after registration and consent, before the callback and the token request: the flow still completes', async () => {
    const [gw1, gw2] = stack.instances.gateway;
    const [tools1] = stack.instances.tools;
    proxy.resetHits();
    let hitsWhenStopped: Record<string, number> = {};
    const browser = new HookedBrowser([
      {
        // The browser is about to return from local-idp to <origin>/callback: registration, /authorize
        // and the consent POST are done (spread over both instances); the pending authorization lives
        // in DynamoDB only. Stop instance #1 now.
        path: '/callback',
        run: async () => {
          hitsWhenStopped = proxy.hits('auth-gateway');
          await gw1!.stop();
        },
      },
    ]);
    const c = await headlessClient(stack, 'e2e agent, instance stopped mid-flow', { user: BOB, browser });
    const session = await McpSession.connect(stack.urls.mcp, c.provider);
    try {
      expect(hitsWhenStopped[gw1!.url]).toBeGreaterThanOrEqual(1);
      expect(hitsWhenStopped[gw2!.url]).toBeGreaterThanOrEqual(1);
      expect(missingStep(session.trace(), [/^POST \/register 201$/, /^POST \/token 200 authorization_code$/, /^POST \/mcp 200$/])).toBeUndefined();
      expect(c.pages[0]!.redirect.searchParams.get('code')).toBeTruthy();

      // Stop a tools instance as well, between two calls.
      expect((await session.callJson<{ username: string }>('whoami')).username).toBe(BOB.username);
      await tools1!.stop();
      for (let i = 0; i < 3; i++) expect((await session.callJson<{ username: string }>('whoami')).username).toBe(BOB.username);
    } finally {
      await session.close();
    }

    // The stopped instances answered nothing after they were stopped: the proxy saw them announce `draining` on
    // /health (SIGTERM, then a second of announce before the listener closes) or refusing connections, and sent
    // those requests (GET /callback, POST /token, MCP POSTs) to the other instance.
    const gateway = proxy.upstreams('auth-gateway');
    const stopped = gateway.find((u) => u.url === gw1!.url)!;
    expect(stopped.hits).toBe(hitsWhenStopped[gw1!.url]);
    expect(stopped.draining || stopped.failures >= 1).toBe(true);
    expect(gateway.find((u) => u.url === gw2!.url)!.failures).toBe(0);
    const stoppedTools = proxy.upstreams('mcp-tools').find((u) => u.url === tools1!.url)!;
    expect(stoppedTools.draining || stoppedTools.failures >= 1).toBe(true);
  });
});
