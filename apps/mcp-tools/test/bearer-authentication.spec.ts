import { createAccessTokenSigner, generateEncryptionKeySet, parseEncryptionKeyRing } from '@mcp-cognito/tokens';
import { freePort } from '@mcp-cognito/dev-stack';
import { ALICE, BOB, McpServerTestHarness, startMcpTools, resultJson } from './support/harness';
import { resign, tamperJwe } from './support/tokens';

const SCOPE = 'scope="mcp-server/read mcp-server/write"';
const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

describe('RFC 6750 bearer authentication of every /mcp request', () => {
  let h: McpServerTestHarness;
  let token: string;

  beforeAll(async () => {
    h = await startMcpTools();
    token = await h.mint(ALICE);
  });
  afterAll(() => h?.stop());

  const invalidTokenChallenge = (description: string) =>
    `Bearer error="invalid_token", error_description="${description}", resource_metadata="${h.resourceMetadataUrl}", ${SCOPE}`;

  describe('RFC 6750 §3.1 / RFC 9728 §5.1 challenges', () => {
    it('no credentials: 401 with resource_metadata and scope, and no error attribute', async () => {
      const res = await h.post(ping);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${h.resourceMetadataUrl}", ${SCOPE}`);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('another scheme (Basic) counts as no bearer credentials', async () => {
      const res = await h.post(ping, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).not.toContain('error=');
    });

    it('a bad token: 401 error="invalid_token" with error_description', async () => {
      const res = await h.post(ping, { token: 'not.a.jwt' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(invalidTokenChallenge('The access token is invalid'));
      expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid' });
    });

    it('a Bearer header whose value is not a b64token is an invalid token', async () => {
      const res = await h.post(ping, { headers: { authorization: 'Bearer a b c' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(invalidTokenChallenge('The access token is invalid'));
    });

    it('the resource_metadata URL of the challenge serves the Protected Resource Metadata', async () => {
      const res = await fetch(h.resourceMetadataUrl);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resource: string }).resource).toBe(h.resource);
    });
  });

  describe('RFC 6750 §2.1 Authorization header only', () => {
    it('the auth scheme is case-insensitive', async () => {
      for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
        const res = await h.post(ping, { headers: { authorization: `${scheme} ${token}` } });
        expect(res.status).toBe(200);
      }
    });

    it('RFC 6750 §2.3: a token in the query string is never used (400 invalid_request)', async () => {
      const res = await h.post(ping, { url: `${h.resource}?access_token=${encodeURIComponent(token)}` });
      expect(res.status).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request", /);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    });

    it('RFC 6750 §2.3: a query token is refused even next to a valid header', async () => {
      const res = await h.post(ping, { token, url: `${h.resource}?access_token=${encodeURIComponent(token)}` });
      expect(res.status).toBe(400);
    });

    it('RFC 6750 §2.2: a token in a form body is never used', async () => {
      const res = await fetch(h.resource, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/event-stream' },
        body: new URLSearchParams({ access_token: token }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${h.resourceMetadataUrl}", ${SCOPE}`);
    });

    it('a percent-encoded path to the MCP route is gated too', async () => {
      const res = await h.post(ping, { url: `${h.url}/%6Dcp` });
      expect(res.status).toBe(401);
    });
  });

  describe('token-lib failures reaching the service map to 401 invalid_token', () => {
    it('expired', async () => {
      const past = createAccessTokenSigner({ ...h.signer, clock: { now: () => Date.now() - 3 * 3600_000 } });
      const expired = await h.mint(ALICE, { signer: past });
      const res = await h.post(ping, { token: expired });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(invalidTokenChallenge('The access token expired'));
    });

    it('RFC 8707: audience of another resource (no token passthrough)', async () => {
      const other = await h.mint(ALICE, { audience: 'http://127.0.0.1:1/mcp' });
      const res = await h.post(ping, { token: other });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(invalidTokenChallenge('The access token was not issued for this resource'));
    });

    it('tampered cognito_token (validly re-signed gateway token)', async () => {
      const tampered = await resign(token, h.signingKeys, (c) => ({ ...c, cognito_token: tamperJwe(c['cognito_token'] as string) }));
      const res = await h.post(ping, { token: tampered });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(invalidTokenChallenge('The access token is invalid'));
    });

    it('cognito_token encrypted with a key this server does not hold', async () => {
      const foreignRing = await parseEncryptionKeyRing(await generateEncryptionKeySet());
      const foreign = await h.mint(ALICE, { signer: createAccessTokenSigner({ ...h.signer, tokenEncryptionKeys: foreignRing }) });
      const res = await h.post(ping, { token: foreign });
      expect(res.status).toBe(401);
    });

    it('binding: sub differs from the embedded Cognito token\'s sub', async () => {
      const swapped = await resign(token, h.signingKeys, (c) => ({ ...c, sub: BOB.sub }));
      const res = await h.post(ping, { token: swapped });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(invalidTokenChallenge('The access token is invalid'));
    });

    it('the untouched token passes (the failures above come from the one change each made)', async () => {
      const res = await h.post(ping, { token });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    });
  });

  describe('jwks_unavailable is a server-side fault', () => {
    it('503 with Retry-After and no invalid_token challenge', async () => {
      const other = await h.startAnotherApp({ GATEWAY_JWKS_URL: `http://127.0.0.1:${await freePort()}/.well-known/jwks.json` });
      try {
        const res = await h.post(ping, { token, url: `${other.url}/mcp` });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(res.headers.get('www-authenticate')).toBeNull();
      } finally {
        await other.app.close();
      }
    });
  });

  describe('authentication makes zero storage requests', () => {
    it('N authenticated whoami calls (connect included, a fresh token) make no DynamoDB request', async () => {
      const fresh = await h.mint(ALICE);
      h.resetStorageRequests();
      const client = await h.client(fresh);
      for (let i = 0; i < 20; i++) {
        expect(resultJson(await client.callTool({ name: 'whoami', arguments: {} }))['sub']).toBe(ALICE.sub);
      }
      expect(h.storageRequests).toEqual([]);

      // The counter does see storage: one notes_list is one Query.
      await client.callTool({ name: 'notes_list', arguments: {} });
      expect(h.storageRequests).toEqual(['QueryCommand']);
      await client.close();
    });

    it('refused requests make no DynamoDB request either', async () => {
      h.resetStorageRequests();
      await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes_list', arguments: {} } });
      await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes_list', arguments: {} } }, { token: 'x.y.z' });
      expect(h.storageRequests).toEqual([]);
    });
  });
});
