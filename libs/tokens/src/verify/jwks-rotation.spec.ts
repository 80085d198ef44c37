import { SignJWT } from 'jose';
import { generateSigningKeySet, parseSigningKeySet, withLowSSignature } from '../index';
import type { AccessTokenVerifier, SigningKeySet } from '../index';
import { createGatewayFixture, startJwksServer } from '../../test/support';
import type { GatewayFixture, JwksServer } from '../../test/support';

const COOLDOWN_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fx: GatewayFixture;
let keyA: SigningKeySet;
let keyB: SigningKeySet;
let server: JwksServer;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  fx = await createGatewayFixture();
  keyA = await parseSigningKeySet(await generateSigningKeySet());
  keyB = await parseSigningKeySet(await generateSigningKeySet());
});
afterAll(() => fx?.close());
beforeEach(async () => {
  server = await startJwksServer({ keys: [...keyA.publicJwks.keys] });
  verifier = fx.verifier({ gatewayJwks: { url: `${server.base}/.well-known/jwks.json`, cooldownMs: COOLDOWN_MS }, cacheMaxEntries: 0 });
});
afterEach(() => server.close());

async function tokenSignedBy(set: SigningKeySet, kid = set.active.kid): Promise<string> {
  const claims = await fx.claimsFor(await fx.cognito.accessToken());
  return withLowSSignature(await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(set.active.privateKey));
}

describe('RFC 7517 JWKS rotation: refetch on unknown kid, rate limited by a cool-down', () => {
  it('validates a token from a newly published key after one refetch', async () => {
    expect(await verifier.verify(await tokenSignedBy(keyA))).toMatchObject({ ok: true });
    expect(server.requests).toBe(1);

    // The gateway rotates: key B is published next to A.
    server.jwks = { keys: [...keyB.publicJwks.keys, ...keyA.publicJwks.keys] };
    await sleep(COOLDOWN_MS + 50);
    expect(await verifier.verify(await tokenSignedBy(keyB))).toMatchObject({ ok: true });
    expect(server.requests).toBe(2);
    // The old key keeps working from the refreshed set, without another fetch.
    expect(await verifier.verify(await tokenSignedBy(keyA))).toMatchObject({ ok: true });
    expect(server.requests).toBe(2);
  });

  it('fails with unknown_kid when the kid is still unknown after the refetch', async () => {
    expect(await verifier.verify(await tokenSignedBy(keyA))).toMatchObject({ ok: true });
    await sleep(COOLDOWN_MS + 50);
    expect(await verifier.verify(await tokenSignedBy(keyB))).toMatchObject({ ok: false, reason: 'unknown_kid' });
    expect(server.requests).toBe(2);
  });

  it('does not refetch during the cool-down (no refetch storm from unknown kids)', async () => {
    expect(await verifier.verify(await tokenSignedBy(keyA))).toMatchObject({ ok: true });
    expect(server.requests).toBe(1);
    const bogus = await Promise.all(Array.from({ length: 10 }, (_, i) => tokenSignedBy(keyB, `ghost-${i}`)));

    // Inside the cool-down: twenty unknown kids, zero requests.
    for (const t of [...bogus, ...bogus]) expect(await verifier.verify(t)).toMatchObject({ ok: false, reason: 'unknown_kid' });
    expect(server.requests).toBe(1);

    // After it: a burst of concurrent unknown kids shares ONE refetch, then the cool-down holds again.
    await sleep(COOLDOWN_MS + 50);
    const results = await Promise.all(bogus.map((t) => verifier.verify(t)));
    expect(results.every((r) => !r.ok && r.reason === 'unknown_kid')).toBe(true);
    expect(server.requests).toBe(2);
    for (const t of bogus) await verifier.verify(t);
    expect(server.requests).toBe(2);
  });
});
