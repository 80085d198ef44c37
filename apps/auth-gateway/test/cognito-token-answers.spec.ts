import { GatewayHarness, ALICE } from './support/harness';
import { register, tokenRequest, type RegisteredClient } from './support/mcp-client';
import { approveConsent, countItems, signInUpstream } from './support/flow-steps';
import { idpStats, refreshCalls } from './support/idp-stats';
import { clearFaults, injectFault, signIn, storedGrant } from './support/idp-dev-api';

const refresh = (h: GatewayHarness, client: RegisteredClient, refreshToken: string) =>
  tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });

/** After a failed upstream refresh the grant answers "try again" for a moment without calling Cognito (the hold). */
const afterHold = () => new Promise((r) => setTimeout(r, 2200));

/**
 * What real Cognito answers at /oauth2/token besides tokens and OAuth errors (upstream/cognito-answer.ts): throttles
 * (refresh grants consume the UserAuthentication quota), 429, an HTML 503 from something in front of it, slowness.
 * None of them is a decision about the user's session: the client gets 503 `temporarily_unavailable` with
 * `Retry-After` (RFC 6749 §5.2 / §4.1.2.1), the grant is untouched, and a genuine `invalid_grant` still ends it.
 */
describe('Cognito outages and throttles at the token endpoint are temporarily_unavailable, never a rejection', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start({
      gatewayEnv: { ACCESS_TOKEN_TTL: '600', COGNITO_TIMEOUT_MS: '1000' },
      idpEnv: { LOCAL_IDP_ACCESS_TOKEN_TTL: '300' },
    });
    client = await register(h.url);
  });
  afterEach(() => clearFaults(h));
  afterAll(async () => {
    await h?.stop();
  });

  it('a throttle answered as HTTP 400 TooManyRequestsException: 503 temporarily_unavailable with Retry-After, the grant kept', async () => {
    const t0 = await signIn(h, client);
    const before = await storedGrant(h, t0.refresh_token);
    await injectFault(h, { endpoint: 'token', kind: 'throttle' });
    const throttled = await refresh(h, client, t0.refresh_token);
    expect(throttled.status).toBe(503);
    expect(throttled.body['error']).toBe('temporarily_unavailable');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const kept = await storedGrant(h, t0.refresh_token);
    expect(kept).toMatchObject({ status: 'active', currentRefreshHash: before!.currentRefreshHash, generation: before!.generation });
    await afterHold();
    expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
  });

  it("Cognito's 429 Retry-After reaches the client", async () => {
    const t0 = await signIn(h, client);
    await injectFault(h, { endpoint: 'token', kind: 'too-many-requests', retryAfterSeconds: 7 });
    const res = await refresh(h, client, t0.refresh_token);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('an HTML 503 and a slow answer (past COGNITO_TIMEOUT_MS) are outages too', async () => {
    const t0 = await signIn(h, client);
    await injectFault(h, { endpoint: 'token', kind: 'unavailable' });
    const html = await refresh(h, client, t0.refresh_token);
    expect([html.status, html.body['error']]).toEqual([503, 'temporarily_unavailable']);
    await afterHold();

    await injectFault(h, { endpoint: 'token', kind: 'slow', delayMs: 2500 });
    const started = Date.now();
    const slow = await refresh(h, client, t0.refresh_token);
    expect([slow.status, slow.body['error']]).toEqual([503, 'temporarily_unavailable']);
    expect(Date.now() - started).toBeLessThan(2400);
    await afterHold();
    expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
  });

  it('while a failed refresh holds, other refreshes of the grant do not call Cognito again', async () => {
    const t0 = await signIn(h, client);
    await injectFault(h, { endpoint: 'token', kind: 'throttle' });
    expect((await refresh(h, client, t0.refresh_token)).status).toBe(503);
    const calls = refreshCalls(await idpStats(h.idp.baseUrl));
    const again = await Promise.all([1, 2, 3].map(() => refresh(h, client, t0.refresh_token)));
    expect(again.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(refreshCalls(await idpStats(h.idp.baseUrl))).toBe(calls);
  });

  it('a throttled code exchange at /callback goes back to the client as temporarily_unavailable, with nothing issued', async () => {
    const leg = await approveConsent(h, client);
    const callback = await signInUpstream(leg, ALICE);
    const before = await countItems(h);
    await injectFault(h, { endpoint: 'token', kind: 'throttle' });
    const res = await leg.browser.get(callback.toString());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(location.searchParams.get('state')).toBe('client-state');
    expect((await countItems(h))['CODE'] ?? 0).toBe(before['CODE'] ?? 0);
  });
});
