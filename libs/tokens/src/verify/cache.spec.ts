import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { ExpiringCache, mintAccessToken, tokenCacheKey } from '../index';
import type { VerificationOutcome } from '../index';
import { COGNITO_CLIENT_ID, MCP_CLIENT_ID, RESOURCE, USER_SUB, createGatewayFixture } from '../../test/support';
import type { GatewayFixture } from '../../test/support';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await createGatewayFixture();
});
afterAll(() => fx?.close());

/** A verifier whose key lookups (one per signature check) and outcomes are counted. */
function countingVerifier(cacheMaxEntries?: number) {
  const counts = { gatewayKeys: 0, cognitoKeys: 0 };
  const gw = createLocalJWKSet({ keys: [...fx.signingKeys.publicJwks.keys] });
  const cg = createRemoteJWKSet(new URL(fx.cognito.jwksUrl));
  const gatewayKey: JWTVerifyGetKey = (h, t) => (counts.gatewayKeys++, gw(h, t));
  const cognitoKey: JWTVerifyGetKey = (h, t) => (counts.cognitoKeys++, cg(h, t));
  const outcomes: VerificationOutcome[] = [];
  const verifier = fx.verifier({
    gatewayJwks: { getKey: gatewayKey },
    cognito: { issuer: fx.cognito.issuer, clientId: COGNITO_CLIENT_ID, jwks: { getKey: cognitoKey } },
    cacheMaxEntries,
    onOutcome: (o) => outcomes.push(o),
  });
  return { verifier, counts, outcomes };
}

async function mint(cognitoOverrides = {}) {
  return mintAccessToken(
    { subject: USER_SUB, audience: RESOURCE, clientId: MCP_CLIENT_ID, scope: 'mcp-server/read', cognitoAccessToken: await fx.cognito.accessToken(cognitoOverrides) },
    fx.signer,
  );
}

describe('docs/architecture.md#tokens verified-token cache', () => {
  it('answers a second verify of the same token without signature work', async () => {
    const { verifier, counts, outcomes } = countingVerifier();
    const { token } = await mint();
    const first = await verifier.verify(token);
    expect(counts).toEqual({ gatewayKeys: 1, cognitoKeys: 1 });
    const second = await verifier.verify(token);
    expect(counts).toEqual({ gatewayKeys: 1, cognitoKeys: 1 });
    expect(second).toEqual(first);
    expect(outcomes).toEqual([{ ok: true, cached: false }, { ok: true, cached: true }]);
  });

  it('rejects an expired cached token (a hit still checks exp against the clock)', async () => {
    const { verifier, counts } = countingVerifier();
    const start = fx.clock.nowMs;
    try {
      const { token, expiresAt } = await mint();
      expect((await verifier.verify(token)).ok).toBe(true);
      fx.clock.nowMs = (expiresAt + 31) * 1000;
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
      expect(counts.gatewayKeys).toBe(2);
      expect(verifier.cacheSize).toBe(0);
    } finally {
      fx.clock.nowMs = start;
    }
  });

  it('keeps an entry only until the embedded Cognito token expires, even if the gateway token lives longer', async () => {
    const { verifier, counts } = countingVerifier();
    const start = fx.clock.nowMs;
    try {
      const cognitoToken = await fx.cognito.accessToken({ exp: fx.clock.seconds + 60 });
      const token = await fx.signRaw(await fx.claimsFor(cognitoToken, { exp: fx.clock.seconds + 3600 }));
      const first = await verifier.verify(token);
      expect(first.ok && first.principal.expiresAt).toBe(fx.clock.seconds + 60);
      fx.clock.advanceSeconds(60 + 31);
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'cognito_expired' });
      expect(counts.gatewayKeys).toBe(2);
    } finally {
      fx.clock.nowMs = start;
    }
  });

  it('does not cache failures', async () => {
    const { verifier, counts } = countingVerifier();
    const { token } = await mint({ client_id: 'another-app-client' });
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'cognito_client_mismatch' });
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'cognito_client_mismatch' });
    expect(counts.gatewayKeys).toBe(2);
    expect(verifier.cacheSize).toBe(0);
  });

  it('is bounded: the least recently used entry is evicted', async () => {
    const { verifier, counts } = countingVerifier(2);
    const [a, b, c] = await Promise.all([mint(), mint(), mint()]);
    await verifier.verify(a.token);
    await verifier.verify(b.token);
    await verifier.verify(a.token); // a is now the most recently used
    await verifier.verify(c.token); // evicts b
    expect(verifier.cacheSize).toBe(2);
    expect(counts.gatewayKeys).toBe(3);
    await verifier.verify(a.token);
    expect(counts.gatewayKeys).toBe(3);
    await verifier.verify(b.token);
    expect(counts.gatewayKeys).toBe(4);
  });

  it('can be disabled with cacheMaxEntries 0', async () => {
    const { verifier, counts } = countingVerifier(0);
    const { token } = await mint();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(counts.gatewayKeys).toBe(2);
  });

  it('keys entries by the SHA-256 of the token, never the token itself', () => {
    const cache = new ExpiringCache<string>(10, { now: () => 0 });
    const key = tokenCacheKey('header.payload.signature');
    expect(key).toBe('JW0E205eSsMIdR7QiFtyK3WGMFZ8U6cSXtn70Gjlw_Y');
    cache.set(key, 'v', 1000);
    expect(cache.get(key)).toBe('v');
  });
});
