import { callTool, openConsent, refresh, register, signIn, signedInCallback, toolOutcome, type Client } from './support/clients';
import { startFaultStack, timed, waitFor, type FaultStack } from './support/fault-stack';

/** The gateway's bound on one Cognito call (COGNITO_TIMEOUT_MS, libs/config default). */
const COGNITO_TIMEOUT_MS = 5_000;
const SLACK_MS = 1_500;
/** local-idp's access tokens live this long, so every refresh below needs Cognito (the lazy refresh calls it). */
const IDP_ACCESS_TOKEN_SECONDS = 3;

/**
 * Issue 18, "local-idp down": the identity provider (the Cognito stand-in) paused or killed under a running gateway
 * and tools service. What needs Cognito answers `temporarily_unavailable` within the Cognito bound and changes
 * nothing stored; what does not need it keeps working (consent page, tool calls with a verified token, the load
 * balancer's /health); /health/ready says so; and everything recovers without restarting a service.
 */
describe('local-idp paused and killed under the gateway and the tools service', () => {
  let stack: FaultStack;
  let client: Client;
  let tokens: { access_token: string; refresh_token: string };

  beforeAll(async () => {
    stack = await startFaultStack({
      idp: { LOCAL_IDP_ACCESS_TOKEN_TTL: String(IDP_ACCESS_TOKEN_SECONDS) },
      // The gateway caps its token at the Cognito token's expiry; the tools service allows no clock skew.
      gateway: { ACCESS_TOKEN_TTL: '30' },
      tools: { CLOCK_TOLERANCE_SECONDS: '0' },
    });
    client = await register(stack.issuer);
    tokens = await signIn(stack.issuer, client, stack.mcp);
  }, 120_000);

  afterAll(async () => {
    try {
      process.kill(stack.idp.pid!, 'SIGCONT');
    } catch {
      // not paused, or gone
    }
    await stack?.stop();
  });

  const expired = () => new Promise((r) => setTimeout(r, IDP_ACCESS_TOKEN_SECONDS * 1000 + 1200));

  it(`paused (SIGSTOP): a refresh and a sign-in callback answer temporarily_unavailable within ${COGNITO_TIMEOUT_MS} ms (+${SLACK_MS}), nothing changes; after SIGCONT the same refresh token works`, async () => {
    const callback = await signedInCallback(stack.issuer, client, stack.mcp);
    await expired();
    process.kill(stack.idp.pid!, 'SIGSTOP');
    let answers;
    try {
      answers = await Promise.all([
        timed('POST /token (refresh_token)', () => refresh(stack.issuer, client, tokens.refresh_token)),
        timed('GET /callback', () => callback.browser.get(callback.url)),
        timed('tools /health/ready', () => fetch(`${stack.tools.url}/health/ready`)),
      ]);
    } finally {
      process.kill(stack.idp.pid!, 'SIGCONT');
    }
    const [refreshed, called, ready] = answers;
    expect({ status: refreshed!.status, retryAfter: refreshed!.headers.get('retry-after'), body: JSON.parse(refreshed!.body) }).toEqual({
      status: 503,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
    });
    // The sign-in session is known: the client learns it on its redirect URI (RFC 6749 §4.1.2.1).
    expect(called!.status).toBe(302);
    expect(new URL(called!.headers.get('location')!).searchParams.get('error')).toBe('temporarily_unavailable');
    expect(ready!.status).toBe(503);
    for (const a of answers) expect({ label: a.label, within: a.ms <= COGNITO_TIMEOUT_MS + SLACK_MS }).toEqual({ label: a.label, within: true });
    process.stderr.write(`\nfaults: local-idp paused - slowest answer ${Math.max(...answers.map((a) => a.ms))} ms (Cognito bound ${COGNITO_TIMEOUT_MS} ms)\n`);

    // Nothing was changed: the same refresh token refreshes once Cognito answers again - after the Retry-After the
    // client was given, as a client does (meanwhile the gateway holds off Cognito for the grant: single flight).
    await new Promise((r) => setTimeout(r, Number(refreshed!.headers.get('retry-after')) * 1000));
    const again = await refresh(stack.issuer, client, tokens.refresh_token);
    expect(again.status).toBe(200);
    tokens = (await again.json()) as typeof tokens;
  });

  it('killed: what needs Cognito says temporarily_unavailable at once; consent, tools and the ALB health check keep working; a restarted local-idp is used without restarting anything', async () => {
    // A fresh, verified token the tools service has cached (valid for IDP_ACCESS_TOKEN_SECONDS).
    const fresh = await refresh(stack.issuer, client, tokens.refresh_token);
    expect(fresh.status).toBe(200);
    tokens = (await fresh.json()) as typeof tokens;
    expect(toolOutcome(await (await callTool(stack.mcp, tokens.access_token, 'whoami')).text()).isError).toBe(false);

    process.kill(stack.idp.pid!, 'SIGKILL');
    const [whoami, consentPage, gatewayHealth, toolsHealth, toolsReady] = await Promise.all([
      callTool(stack.mcp, tokens.access_token, 'whoami'),
      openConsent(stack.issuer, client, stack.mcp).then(() => 200, () => 0),
      fetch(`${stack.gateway.url}/health`),
      fetch(`${stack.tools.url}/health`),
      fetch(`${stack.tools.url}/health/ready`),
    ]);
    expect(toolOutcome(await whoami.text()).isError).toBe(false);
    expect(consentPage).toBe(200);
    // An IdP incident must not make the load balancer take every task out (docs/operations.md).
    expect([gatewayHealth.status, toolsHealth.status]).toEqual([200, 200]);
    expect(toolsReady.status).toBe(503);
    await expired();
    const refreshed = await timed('refresh', () => refresh(stack.issuer, client, tokens.refresh_token));
    expect(refreshed.status).toBe(503);
    expect(JSON.parse(refreshed.body)).toMatchObject({ error: 'temporarily_unavailable' });
    expect(refreshed.ms).toBeLessThan(SLACK_MS);

    await stack.restartIdp();
    await waitFor('tools ready again', async () => (await fetch(`${stack.tools.url}/health/ready`)).status === 200);
    // The same gateway and tools processes: a new sign-in and a tool call work.
    const next = await signIn(stack.issuer, await register(stack.issuer), stack.mcp);
    expect(toolOutcome(await (await callTool(stack.mcp, next.access_token, 'whoami')).text()).isError).toBe(false);
    expect(stack.gateway.process.child.exitCode).toBeNull();
    expect(stack.tools.process.child.exitCode).toBeNull();
  });
});
