import { createDynamoClients, createRepositories, revokeUserEverywhere, type DynamoClients, type Repositories } from '@mcp-cognito/storage';
import { ALICE, GatewayHarness } from './support/harness';
import { approveConsent, signInUpstream } from './support/flow-steps';
import { exchangeCode, obtainCode, register, tokenRequest, type RegisteredClient } from './support/mcp-client';

/**
 * Review finding "in-flight sign-in during offboarding" (docs/architecture.md#revocation): a user revoked while they
 * are mid sign-in - the pending authorization created before the revocation, the code redeemed after - or while they
 * hold an unredeemed code must not get tokens; a grant whose sign-in began before the revocation must not refresh.
 * One point item per revoked user (`REVOKED#user:<sub>`), read at code redemption and refresh only.
 */
describe('a user revocation reaches sign-ins in flight: codes and refreshes that began before it are invalid_grant', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;
  let clients: DynamoClients;
  let repos: Repositories;

  beforeAll(async () => {
    h = await GatewayHarness.start();
    client = await register(h.url);
    clients = createDynamoClients({ region: 'us-east-1', endpoint: h.dynamo.endpoint, tableName: 'mcp-cognito' });
    repos = createRepositories(clients);
  });
  afterAll(async () => {
    clients?.destroy();
    await h?.stop();
  });

  const revokeAlice = () => revokeUserEverywhere(repos, { sub: ALICE.sub, reason: 'admin', feedReason: 'admin', coverSeconds: 1200 });
  /** Cut-offs have second precision (the revocation's own second counts as before it): step past it. */
  async function pastTheCutOff(): Promise<void> {
    const marker = await repos.userRevocations.get(ALICE.sub);
    const wait = (Math.floor(marker!.revokedAtMs / 1000) + 1) * 1000 - Date.now() + 50;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const refresh = (token: string) => tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: token, client_id: client.client_id });

  it('pending authorization created before the revocation, Cognito sign-in and code redemption after it: invalid_grant, and nothing of it stays active', async () => {
    const leg = await approveConsent(h, client); // the sign-in begins: pending authorization stored
    await revokeAlice();
    const callback = await signInUpstream(leg); // the user finishes signing in at Cognito afterwards
    const redirect = await leg.browser.get(callback.toString());
    expect(redirect.status).toBe(302);
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const token = await tokenRequest(h.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirect_uris[0]!,
      code_verifier: leg.verifier,
      client_id: client.client_id,
      resource: h.resource,
    });
    expect(token.status).toBe(400);
    expect(token.body['error']).toBe('invalid_grant');
    expect(token.body['access_token']).toBeUndefined();
    // The grant made for the redemption was ended before any token left (reason: never redeemed).
    const grants = await repos.grants.listForUser(ALICE.sub);
    expect(grants.filter((g) => g.status === 'active')).toEqual([]);
    expect(grants.some((g) => g.revokedReason === 'code_not_redeemed')).toBe(true);
  });

  it('a code issued before the revocation and redeemed after it: invalid_grant', async () => {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    await revokeAlice();
    const token = await exchangeCode(h.url, client, flow, h.resource);
    expect(token.status).toBe(400);
    expect(token.body['error']).toBe('invalid_grant');
  });

  it('a grant the revocation did not reach (cut short by an outage before ending it): its refresh is refused, whatever the grant says', async () => {
    await pastTheCutOff();
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const token = await exchangeCode(h.url, client, flow, h.resource);
    expect(token.status).toBe(200);
    // Only the marker is written - as by a revocation whose storage went away right after its first write.
    await repos.userRevocations.mark(ALICE.sub, { reason: 'admin' });
    const r = await refresh(token.body['refresh_token'] as string);
    expect(r.status).toBe(400);
    expect(r.body['error']).toBe('invalid_grant');
    // Refused without rotating: the grant is as it was (the revocation's retry ends it).
    const grant = (await repos.grants.listForUser(ALICE.sub)).find((g) => g.status === 'active');
    expect(grant?.generation).toBe(0);
  });

  it('a sign-in that begins after the revocation works, and refreshes', async () => {
    await pastTheCutOff();
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const token = await exchangeCode(h.url, client, flow, h.resource);
    expect(token.status).toBe(200);
    const r = await refresh(token.body['refresh_token'] as string);
    expect(r.status).toBe(200);
  });
});
