import { generateDevSecrets, startLocalStack, type LocalStack } from '@mcp-cognito/dev-stack';
import { callTool, register, signIn, toolOutcome } from './support/clients';
import { outputLog } from './support/fault-stack';

const BURST_MS = 10_000;
const SIGTERM_AT_MS = 3_000;
const CONCURRENCY = 6;

/**
 * Issue 18 / 16 "graceful shutdown": SIGTERM to one of two tools instances behind the single-origin proxy in the
 * middle of a 10 s burst of tool calls. The instance announces `draining` on /health, the proxy (which polls it, as
 * ECS deregistration takes a target out of the ALB) sends it nothing new, its in-flight calls finish, it closes and
 * exits 0 within its grace. Done when: 0 failed requests.
 */
describe('SIGTERM during a tool-call burst at two tools instances behind the proxy', () => {
  let stack: LocalStack;
  const log = outputLog();

  beforeAll(async () => {
    stack = await startLocalStack({
      ports: { dynamodb: 0, idp: 0, gateway: 0, tools: 0, proxy: 0 },
      secrets: await generateDevSecrets(),
      dynamodbEngine: 'dynamodb-local',
      singleOrigin: true,
      instances: { tools: 2 },
      logLevel: 'info',
      output: log.sink,
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it(`${BURST_MS / 1000} s of tool calls (${CONCURRENCY} at a time), SIGTERM to one instance at ${SIGTERM_AT_MS / 1000} s: 0 failed, it drained and exited 0`, async () => {
    const tokens = await signIn(stack.urls.issuer, await register(stack.urls.issuer), stack.urls.mcp);
    const [stopping, staying] = stack.instances.tools as [LocalStack['instances']['tools'][number], LocalStack['instances']['tools'][number]];
    const proxy = stack.proxy!;
    proxy.resetHits();

    const failures: string[] = [];
    let total = 0;
    const started = Date.now();
    const worker = async (w: number) => {
      for (let i = 0; Date.now() - started < BURST_MS; i++) {
        const name = i % 2 === 0 ? 'notes_create' : 'notes_list';
        const args = name === 'notes_create' ? { title: `w${w}-${i}`, body: 'burst' } : { limit: 5 };
        total++;
        try {
          const res = await callTool(stack.urls.mcp, tokens.access_token, name, args, i);
          const body = await res.text();
          if (res.status !== 200) failures.push(`${name}: HTTP ${res.status} ${body.slice(0, 200)}`);
          else if (toolOutcome(body).isError) failures.push(`${name}: ${toolOutcome(body).text}`);
        } catch (error) {
          failures.push(`${name}: ${(error as Error).message}`);
        }
      }
    };

    let stoppedAt = 0;
    let exitedAfterMs = -1;
    let drainingSeen = false;
    const exited = new Promise<number | null>((resolve) => stopping.process.child.once('exit', (code) => resolve(code)));
    const terminate = (async () => {
      await new Promise((r) => setTimeout(r, SIGTERM_AT_MS));
      const hitsBefore = proxy.hits('mcp-tools')[stopping.url] ?? 0;
      stoppedAt = Date.now();
      stopping.process.child.kill('SIGTERM');
      // What a load balancer sees: /health answers 503 draining while the listener is still open. The signal is
      // handled on the instance's next event-loop turn, so a probe already queued may still be answered `ok`: ask
      // again (as a load balancer's next health check would) until the announce window would be over.
      for (const deadline = Date.now() + 2_000; !drainingSeen && Date.now() < deadline; ) {
        const health = await fetch(`${stopping.url}/health`).catch(() => undefined);
        if (!health) break; // listener closed: the window passed without our seeing it
        const body = await health.text();
        drainingSeen = health.status === 503 && body.includes('draining');
        if (!drainingSeen) await new Promise((r) => setTimeout(r, 25));
      }
      const code = await exited;
      exitedAfterMs = Date.now() - stoppedAt;
      return { code, hitsBefore };
    })();

    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
    const { code, hitsBefore } = await terminate;
    const hits = proxy.hits('mcp-tools');
    const graceMs = 10_000; // libs/config default SHUTDOWN_GRACE_MS (the local stack does not change it)
    process.stderr.write(
      `\nfaults: SIGTERM during a burst - ${total} tool calls, ${failures.length} failed; the stopped instance served ${hitsBefore} before SIGTERM and ${(hits[stopping.url] ?? 0) - hitsBefore} after it (in flight or during the announce window), exited ${code} after ${exitedAfterMs} ms; the other served ${hits[staying.url]} in all\n`,
    );

    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(CONCURRENCY * 5);
    expect(drainingSeen).toBe(true);
    expect(code).toBe(0);
    expect(exitedAfterMs).toBeLessThan(graceMs);
    expect(hitsBefore).toBeGreaterThan(0);
    expect(hits[staying.url]).toBeGreaterThan(hitsBefore);
    expect(log.lines.some((l) => l.includes('"event":"service.draining"'))).toBe(true);
    expect(log.lines.some((l) => l.includes('"event":"service.stopped"') && l.includes('"drained":true'))).toBe(true);
  });
});
