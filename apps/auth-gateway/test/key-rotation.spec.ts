import { decodeProtectedHeader } from 'jose';
import {
  createAccessTokenVerifier,
  generateEncryptionKey,
  generateSigningKey,
  parseEncryptionKeyRing,
  type AccessTokenVerifier,
} from '@mcp-cognito/tokens';
import { GatewayHarness, ALICE } from './support/harness';
import { exchangeCode, obtainCode, register, tokenRequest, type RegisteredClient } from './support/mcp-client';

const set = (...keys: object[]) => JSON.stringify({ keys });

/**
 * Key rotation without downtime (docs/architecture.md#tokens): the JWKS publishes the next key before it signs,
 * keeps a retired key until its tokens have expired, and ciphertexts carry key ids so that
 * encryption keys rotate the same way. Each step is one rolling restart of one service.
 */
describe('signing and encryption key rotation', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;
  let verifier: AccessTokenVerifier;
  const k1 = generateSigningKey({ kid: 'sig-1' });
  const k2 = generateSigningKey({ kid: 'sig-2' });

  async function restartGateway(env: Record<string, string>): Promise<void> {
    const port = Number(new URL(h.url).port);
    await h.instances.shift()!.stop();
    const fresh = await h.startInstance(port, env);
    h.instances.unshift(h.instances.pop()!);
    expect(fresh.url).toBe(h.url);
  }

  async function signIn() {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const t = await exchangeCode(h.url, client, flow, h.resource);
    expect(t.status).toBe(200);
    return t.body as { access_token: string; refresh_token: string };
  }

  beforeAll(async () => {
    h = await GatewayHarness.start({ gatewayEnv: { GATEWAY_SIGNING_KEYS: set(await k1) } });
    client = await register(h.url);
    verifier = createAccessTokenVerifier({
      issuer: h.issuer,
      audience: h.resource,
      gatewayJwks: { url: `${h.issuer}/.well-known/jwks.json`, cacheMaxAgeMs: 300, cooldownMs: 50 },
      tokenEncryptionKeys: await parseEncryptionKeyRing(h.secrets.tokenEncryptionKeys),
      cognito: { issuer: h.idp.issuer, clientId: 'mcp-gateway-local', jwks: { url: `${h.idp.issuer}/.well-known/jwks.json` } },
      cacheMaxEntries: 0,
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('publish next -> promote -> retire -> remove: old tokens validate until their key leaves the JWKS', async () => {
    const [key1, key2] = await Promise.all([k1, k2]);
    const t1 = (await signIn()).access_token;
    expect(decodeProtectedHeader(t1).kid).toBe('sig-1');
    expect((await verifier.verify(t1)).ok).toBe(true);

    // 1. Publish the next key: in the JWKS, not yet signing.
    await restartGateway({ GATEWAY_SIGNING_KEYS: set(key1, { ...key2, status: 'next' }) });
    const jwks = (await (await fetch(`${h.issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual(['sig-1', 'sig-2']);
    expect(decodeProtectedHeader((await signIn()).access_token).kid).toBe('sig-1');

    // 2. Promote it; the old key is retired but still published.
    await restartGateway({ GATEWAY_SIGNING_KEYS: set({ ...key2, status: 'active' }, { ...key1, status: 'retired' }) });
    const t2 = (await signIn()).access_token;
    expect(decodeProtectedHeader(t2).kid).toBe('sig-2');
    expect((await verifier.verify(t2)).ok).toBe(true);
    expect((await verifier.verify(t1)).ok).toBe(true);

    // 3. Remove the retired key once its tokens have expired: its tokens stop validating.
    await restartGateway({ GATEWAY_SIGNING_KEYS: set(key2) });
    await new Promise((r) => setTimeout(r, 400)); // the resource server's JWKS cache age
    expect((await verifier.verify(t2)).ok).toBe(true);
    const old = await verifier.verify(t1);
    expect(old).toMatchObject({ ok: false, reason: 'unknown_kid' });
  });

  it('the storage key rotates by key id: grants sealed with the old key keep refreshing after a new key is put first', async () => {
    const t = await signIn();
    const oldRing = JSON.parse(h.secrets.storageEncryptionKeys) as { keys: object[] };
    const newKey = await generateEncryptionKey('sto-2');
    await restartGateway({
      GATEWAY_SIGNING_KEYS: set(await k2),
      STORAGE_ENCRYPTION_KEYS: JSON.stringify({ keys: [newKey, ...oldRing.keys] }),
    });
    const r = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: client.client_id });
    expect(r.status).toBe(200);
  });

  it('the token encryption key rotates by key id: resource servers that hold both keys accept both', async () => {
    const oldRing = JSON.parse(h.secrets.tokenEncryptionKeys) as { keys: object[] };
    const newKey = await generateEncryptionKey('tok-2');
    const before = (await signIn()).access_token;
    // Resource servers first get the new key at the end (decrypt only), then the gateway puts it first.
    const both = await parseEncryptionKeyRing(JSON.stringify({ keys: [...oldRing.keys, newKey] }));
    const rs = createAccessTokenVerifier({
      issuer: h.issuer,
      audience: h.resource,
      gatewayJwks: { url: `${h.issuer}/.well-known/jwks.json` },
      tokenEncryptionKeys: both,
      cognito: { issuer: h.idp.issuer, clientId: 'mcp-gateway-local', jwks: { url: `${h.idp.issuer}/.well-known/jwks.json` } },
    });
    await restartGateway({ GATEWAY_SIGNING_KEYS: set(await k2), TOKEN_ENCRYPTION_KEYS: JSON.stringify({ keys: [newKey, ...oldRing.keys] }) });
    const after = (await signIn()).access_token;
    expect((await rs.verify(before)).ok).toBe(true);
    expect((await rs.verify(after)).ok).toBe(true);
    // A resource server that only knows the old key cannot open the new claim: hence the order.
    expect(await verifier.verify(after)).toMatchObject({ ok: false, reason: 'cognito_token_undecryptable' });
  });
});
