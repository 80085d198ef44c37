import { GatewayHarness } from './support/harness';
import { register, tokenRequest, type RegisteredClient } from './support/mcp-client';
import { countItems } from './support/flow-steps';
import { idpStats, refreshCalls } from './support/idp-stats';
import { addClientSecret, clientSecretIds, deleteClientSecret, signIn } from './support/idp-dev-api';

const refresh = (gateway: string, client: RegisteredClient, refreshToken: string) =>
  tokenRequest(gateway, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });

/**
 * Client authentication at Cognito: `Authorization: Basic Base64(client_id:client_secret)` with the values as they are
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html). local-idp decodes as Cognito does,
 * so a gateway that form-urlencodes first (RFC 6749 §2.3.1) fails here as it would in production.
 */
describe('Basic client authentication as Cognito documents it: every secret Cognito can hold works', () => {
  // `+` is allowed in Cognito secrets of one's own; `/` and `=` are what base64-like secrets carry.
  const SECRET = 'Ab+cd/ef=gh+ij/kl=mn+op/qr=st+uv';
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start({
      gatewayEnv: { COGNITO_CLIENT_SECRET: SECRET, ACCESS_TOKEN_TTL: '600' },
      idpEnv: { COGNITO_CLIENT_SECRET: SECRET, LOCAL_IDP_ACCESS_TOKEN_TTL: '300' },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('signs in (code exchange), refreshes at Cognito and revokes there with a secret holding +, / and =', async () => {
    const client = await register(h.url);
    const t0 = await signIn(h, client);
    const before = await idpStats(h.idp.baseUrl);
    const r1 = await refresh(h.url, client, t0.refresh_token);
    expect(r1.status).toBe(200);
    expect(refreshCalls(await idpStats(h.idp.baseUrl)) - refreshCalls(before)).toBe(1);
    const revoked = await fetch(`${h.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: r1.body['refresh_token'] as string, client_id: client.client_id }).toString(),
    });
    expect(revoked.status).toBe(200);
    const after = await idpStats(h.idp.baseUrl);
    expect([after.revocations.total - before.revocations.total, after.revocations.failed - before.revocations.failed]).toEqual([1, 0]);
    expect((await countItems(h))['REVOKE'] ?? 0).toBe(0);
  });
});

/**
 * Rotating the Cognito client secret without logging anyone out (docs/deploy.md "Rotating secrets"): Cognito holds two
 * active secrets (AddUserPoolClientSecret); the gateway is given "new,old", uses the first and falls back to the
 * second on `invalid_client`; then the old secret is deleted. The client id never changes, so every grant and token
 * lives on.
 */
describe('Cognito client secret rotation with two active secrets keeps every grant alive', () => {
  const OLD = 'oldSecret+0123456789abcdefghij';
  const NEW = 'newSecret+0123456789abcdefghij';
  let h: GatewayHarness;
  let client: RegisteredClient;
  beforeAll(async () => {
    h = await GatewayHarness.start({
      gatewayEnv: { COGNITO_CLIENT_SECRET: OLD, ACCESS_TOKEN_TTL: '600' },
      idpEnv: { COGNITO_CLIENT_SECRET: OLD, LOCAL_IDP_ACCESS_TOKEN_TTL: '300' },
    });
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Redeploys the gateway (same port, same table and keys) with another COGNITO_CLIENT_SECRET. */
  async function redeployGateway(secret: string): Promise<void> {
    const [old] = h.instances.splice(0, 1);
    await old!.stop();
    await h.startInstance(h.portList[0]!, { COGNITO_CLIENT_SECRET: secret });
    h.instances.unshift(h.instances.pop()!);
  }

  it('add the new secret, deploy the gateway with "new,old", delete the old one: grants made before refresh and revoke throughout', async () => {
    const early = await signIn(h, client);
    const alsoEarly = await signIn(h, client);

    // 1. AddUserPoolClientSecret: both secrets are active at Cognito.
    const [oldId] = await clientSecretIds(h);
    await addClientSecret(h, NEW);
    // 2. The gateway is deployed with the new secret first.
    await redeployGateway(`${NEW},${OLD}`);
    const r1 = await refresh(h.url, client, early.refresh_token);
    expect(r1.status).toBe(200);
    // 3. DeleteUserPoolClientSecret of the old one.
    await deleteClientSecret(h, oldId!);
    const r2 = await refresh(h.url, client, r1.body['refresh_token'] as string);
    expect(r2.status).toBe(200);
    expect((await refresh(h.url, client, alsoEarly.refresh_token)).status).toBe(200);
    const fresh = await signIn(h, client);
    expect((await refresh(h.url, client, fresh.refresh_token)).status).toBe(200);
    const revoked = await fetch(`${h.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: r2.body['refresh_token'] as string, client_id: client.client_id }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect((await countItems(h))['REVOKE'] ?? 0).toBe(0);
  });

  it('a gateway given the new secret before Cognito has it keeps working on the old one (invalid_client falls back)', async () => {
    const NEWER = 'newerSecret+0123456789abcdefgh';
    const t0 = await signIn(h, client);
    // The gateway still has NEW (from the previous test) as its only live secret at Cognito.
    await redeployGateway(`${NEWER},${NEW}`);
    const before = await idpStats(h.idp.baseUrl);
    const r1 = await refresh(h.url, client, t0.refresh_token);
    expect(r1.status).toBe(200);
    const after = await idpStats(h.idp.baseUrl);
    // One refused attempt with the newer secret, then the accepted one; later calls go straight to the one that works.
    expect(refreshCalls(after) - refreshCalls(before)).toBe(2);
    const r2 = await refresh(h.url, client, r1.body['refresh_token'] as string);
    expect(r2.status).toBe(200);
    expect(refreshCalls(await idpStats(h.idp.baseUrl)) - refreshCalls(after)).toBe(1);
  });
});
