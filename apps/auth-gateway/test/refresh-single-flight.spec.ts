import { decodeJwt } from 'jose';
import { GatewayHarness } from './support/harness';
import { register, tokenRequest, type RegisteredClient } from './support/mcp-client';
import { idpStats, refreshCalls } from './support/idp-stats';
import { signIn, storedGrant } from './support/idp-dev-api';

const refresh = (gateway: string, client: RegisteredClient, refreshToken: string) =>
  tokenRequest(gateway, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });

/**
 * docs/architecture.md#refresh, single-flight upstream refresh: concurrent refreshes of one grant that need Cognito
 * call Cognito once, on any number of gateway instances (a lease on the grant item in DynamoDB); the others reuse the
 * result. Every refresh here needs Cognito: its access token (300 s) would expire before a new MCP token (600 s).
 */
describe.each([
  ['on', 'true'],
  ['off', 'false'],
])('single-flight upstream refresh across two gateway instances, Cognito refresh-token rotation %s', (_mode, rotate) => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start({
      instances: 2,
      gatewayEnv: { ACCESS_TOKEN_TTL: '600' },
      // No grace period: a second Cognito refresh with a rotated-out token fails at once.
      idpEnv: { LOCAL_IDP_ROTATE_REFRESH_TOKENS: rotate, LOCAL_IDP_REFRESH_TOKEN_GRACE_SECONDS: '0', LOCAL_IDP_ACCESS_TOKEN_TTL: '300' },
    });
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a 20-way refresh storm of one grant: 1 Cognito call, 20 successes, one successor, the grant alive', async () => {
    const t0 = await signIn(h, client);
    const before = await idpStats(h.idp.baseUrl);
    const [a, b] = h.instances;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh((i % 2 ? b : a)!.url, client, t0.refresh_token)));
    const after = await idpStats(h.idp.baseUrl);

    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(refreshCalls(after) - refreshCalls(before)).toBe(1);
    expect(after.revocations.total).toBe(before.revocations.total);
    const successors = new Set(results.map((r) => r.body['refresh_token']));
    expect(successors.size).toBe(1);
    // Every answer is a new MCP access token of this user (each seals the one refreshed Cognito token anew).
    expect(new Set(results.map((r) => decodeJwt(r.body['access_token'] as string).jti)).size).toBe(20);

    // The grant is alive: its successor refreshes (again through Cognito, with the token Cognito rotated to).
    const next = await refresh(h.url, client, [...successors][0] as string);
    expect(next.status).toBe(200);
    expect(refreshCalls(await idpStats(h.idp.baseUrl)) - refreshCalls(before)).toBe(2);
  }, 30_000);

  it('sequential refreshes keep working, each with one Cognito call', async () => {
    const t0 = await signIn(h, client);
    const before = refreshCalls(await idpStats(h.idp.baseUrl));
    let token = t0.refresh_token;
    for (let i = 0; i < 3; i++) {
      const r = await refresh(h.instances[i % 2]!.url, client, token);
      expect(r.status).toBe(200);
      token = r.body['refresh_token'] as string;
    }
    expect(refreshCalls(await idpStats(h.idp.baseUrl)) - before).toBe(3);
    expect((await storedGrant(h, token))?.refreshLease).toBeUndefined();
  });
});

/** Cognito refresh-token rotation: "the new refresh token is valid for the remaining time of the original". */
describe('with Cognito refresh-token rotation on, the stored Cognito refresh token keeps the original expiry', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start({
      gatewayEnv: { ACCESS_TOKEN_TTL: '600', COGNITO_REFRESH_TOKEN_TTL: '7200', REFRESH_TOKEN_TTL: '86400' },
      idpEnv: { LOCAL_IDP_ROTATE_REFRESH_TOKENS: 'true', LOCAL_IDP_ACCESS_TOKEN_TTL: '300', LOCAL_IDP_REFRESH_TOKEN_TTL: '7200' },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('neither the Cognito refresh-token expiry nor the grant end moves when Cognito rotates', async () => {
    const client = await register(h.url);
    const t0 = await signIn(h, client);
    const initial = (await storedGrant(h, t0.refresh_token))!;
    // Let the clock move past a whole second, so that "now + lifetime" would differ from the original.
    await new Promise((r) => setTimeout(r, 1100));
    const r1 = await refresh(h.url, client, t0.refresh_token);
    expect(r1.status).toBe(200);
    const refreshed = (await storedGrant(h, r1.body['refresh_token'] as string))!;
    expect(refreshed.upstream.refreshToken?.ciphertext).not.toBe(initial.upstream.refreshToken?.ciphertext);
    expect(refreshed.upstream.refreshTokenExpiresAt).toBe(initial.upstream.refreshTokenExpiresAt);
    expect(refreshed.expiresAt).toBeLessThanOrEqual(initial.upstream.refreshTokenExpiresAt!);
  });
});
