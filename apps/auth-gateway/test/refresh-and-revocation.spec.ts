import { decodeJwt } from 'jose';
import { DYNAMO_CLIENTS } from '@mcp-cognito/nest-platform';
import type { DynamoClients } from '@mcp-cognito/storage';
import { GatewayHarness, ALICE } from './support/harness';
import { exchangeCode, obtainCode, register, tokenRequest, type RegisteredClient } from './support/mcp-client';
import { idpStats, refreshCalls } from './support/idp-stats';

async function signIn(h: GatewayHarness, client: RegisteredClient, scope?: string) {
  const flow = await obtainCode(h.url, client, h.resource, ALICE, { scope });
  const token = await exchangeCode(h.url, client, flow, h.resource);
  if (token.status !== 200) throw new Error(JSON.stringify(token.body));
  return token.body as { access_token: string; refresh_token: string; scope: string };
}

const refresh = (h: GatewayHarness, client: RegisteredClient, refreshToken: string, extra: Record<string, string> = {}) =>
  tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, ...extra });

/** OAuth 2.1 §4.3 / RFC 9700 §4.14: refresh tokens rotate on every use; reuse ends the family. */
describe('refresh token rotation and reuse detection', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start({ gatewayEnv: { REFRESH_GRACE_SECONDS: '2' } });
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('rotates on every use: a new refresh token and a new access token each time', async () => {
    const t0 = await signIn(h, client);
    const r1 = await refresh(h, client, t0.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.headers.get('cache-control')).toBe('no-store');
    expect(r1.body['refresh_token']).not.toBe(t0.refresh_token);
    expect(decodeJwt(r1.body['access_token'] as string).jti).not.toBe(decodeJwt(t0.access_token).jti);
    const r2 = await refresh(h, client, r1.body['refresh_token'] as string);
    expect(r2.status).toBe(200);
  });

  it('N concurrent refreshes with one token inside the grace window all succeed with the same successor', async () => {
    const t0 = await signIn(h, client);
    const results = await Promise.all(Array.from({ length: 6 }, () => refresh(h, client, t0.refresh_token)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const successors = new Set(results.map((r) => r.body['refresh_token']));
    expect(successors.size).toBe(1);
    // The successor keeps working: nobody was locked out.
    const next = await refresh(h, client, [...successors][0] as string);
    expect(next.status).toBe(200);
  });

  describe('OAuth 2.1 §4.3.1 rotation with a narrow grace (RFC 9700 §4.14.2): concurrency and one retry, never a clone', () => {
    const nextSecond = () => new Promise((r) => setTimeout(r, 1100)); // strictly after the rotation's second

    it('a client that lost the answer retries with the same token moments later: it gets the same successor, which works', async () => {
      const t0 = await signIn(h, client);
      const lost = await refresh(h, client, t0.refresh_token);
      expect(lost.status).toBe(200);
      await nextSecond();
      const retry = await refresh(h, client, t0.refresh_token);
      expect(retry.status).toBe(200);
      expect(retry.body['refresh_token']).toBe(lost.body['refresh_token']);
      expect((await refresh(h, client, retry.body['refresh_token'] as string)).status).toBe(200);
    });

    it('thief and victim: a second late replay of the rotated-out token inside the window is reuse - the family ends for both', async () => {
      const t0 = await signIn(h, client);
      const victim = await refresh(h, client, t0.refresh_token);
      expect(victim.status).toBe(200);
      await nextSecond();
      // The first late replay cannot be told from a lost-answer retry...
      expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
      // ...a second one can: it is reuse, and nobody holding this family keeps it.
      const again = await refresh(h, client, t0.refresh_token);
      expect(again.status).toBe(400);
      expect(again.body['error']).toBe('invalid_grant');
      expect((await refresh(h, client, victim.body['refresh_token'] as string)).body['error']).toBe('invalid_grant');
    });

    it('the clone made by one late replay is found at the next rotation: whoever comes second is reuse', async () => {
      const t0 = await signIn(h, client);
      const victim = await refresh(h, client, t0.refresh_token);
      await nextSecond();
      const thief = await refresh(h, client, t0.refresh_token);
      expect(thief.body['refresh_token']).toBe(victim.body['refresh_token']);
      // The victim refreshes on; the thief's copy is now the rotated-out token, and its window's one replay is spent...
      expect((await refresh(h, client, victim.body['refresh_token'] as string)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3100)); // ...and the window (2 s here, counted in whole seconds) is over
      const thiefNext = await refresh(h, client, thief.body['refresh_token'] as string);
      expect(thiefNext.body['error']).toBe('invalid_grant');
    });
  });

  it('reuse of a rotated-out token after the grace window revokes the family and the Cognito refresh token', async () => {
    const t0 = await signIn(h, client);
    const r1 = await refresh(h, client, t0.refresh_token);
    expect(r1.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3100));
    const revocationsBefore = (await idpStats(h.idp.baseUrl)).revocations.total;
    const reuse = await refresh(h, client, t0.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body['error']).toBe('invalid_grant');
    // The legitimate holder's current token is dead too (the family is revoked)...
    const current = await refresh(h, client, r1.body['refresh_token'] as string);
    expect(current.body['error']).toBe('invalid_grant');
    // ...and the gateway revoked the upstream Cognito refresh token.
    expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(revocationsBefore + 1);
  }, 20_000);

  it('scope may be narrowed on refresh, never widened (RFC 6749 §6)', async () => {
    const t0 = await signIn(h, client, 'mcp-server/read');
    const widened = await refresh(h, client, t0.refresh_token, { scope: 'mcp-server/read mcp-server/write' });
    expect(widened.status).toBe(400);
    expect(widened.body['error']).toBe('invalid_scope');
    const full = await signIn(h, client);
    const narrowed = await refresh(h, client, full.refresh_token, { scope: 'mcp-server/read' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body['scope']).toBe('mcp-server/read');
    expect(decodeJwt(narrowed.body['access_token'] as string)['scope']).toBe('mcp-server/read');
  });

  describe('RFC 8707 §2.2: the resource parameter of a refresh request', () => {
    it('naming the resource the grant covers: a token audience-bound to it (a trailing slash is the same resource)', async () => {
      const t0 = await signIn(h, client);
      const res = await refresh(h, client, t0.refresh_token, { resource: h.resource });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body['access_token'] as string)['aud']).toBe(h.resource);
      const slash = await refresh(h, client, res.body['refresh_token'] as string, { resource: `${h.resource}/` });
      expect(slash.status).toBe(200);
      expect(decodeJwt(slash.body['access_token'] as string)['aud']).toBe(h.resource);
    });

    it.each([
      ['another server', 'https://other.example.com/mcp'],
      ['another path of the same server', 'http://127.0.0.1:65000/other/mcp'],
      ['a fragment', 'http://127.0.0.1:65000/mcp#x'],
      ['not a URL', 'mcp-tools'],
    ])('anything else (%s) is invalid_target, and nothing rotates: the same refresh token still works', async (_name, resource) => {
      const t0 = await signIn(h, client);
      const res = await refresh(h, client, t0.refresh_token, { resource });
      expect(res.status).toBe(400);
      expect(res.body['error']).toBe('invalid_target');
      expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
    });

    it('several resource parameters are refused (one audience per token; RFC 6749 §3.2)', async () => {
      const t0 = await signIn(h, client);
      const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: t0.refresh_token, client_id: client.client_id });
      body.append('resource', h.resource);
      body.append('resource', 'https://other.example.com/mcp');
      const res = await fetch(`${h.url}/token`, { method: 'POST', body });
      expect(res.status).toBe(400);
    });
  });

  it('a refresh token is bound to its client', async () => {
    const t0 = await signIn(h, client);
    const other = await register(h.url);
    const res = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: t0.refresh_token, client_id: other.client_id });
    expect(res.body['error']).toBe('invalid_grant');
    expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
  });

  describe('RFC 9700 §4.14.2 reuse detection only for refresh tokens this server issued', () => {
    it('a forged token naming a victim\'s grant (its id is the token prefix) is plain invalid_grant: the victim\'s family lives on', async () => {
      const victim = await signIn(h, client);
      const [grantId, body, kid] = victim.refresh_token.split('.');
      const revocationsBefore = (await idpStats(h.idp.baseUrl)).revocations.total;
      const forgeries = [
        `${grantId}.${'A'.repeat(43)}`, // the old <grant id>.<secret> shape
        `${grantId}.${'A'.repeat(43)}.${kid}.${'B'.repeat(43)}`, // the new shape, a made-up MAC
        `${grantId}.${body}.${kid}.${'B'.repeat(43)}`, // a real body, a made-up MAC
      ];
      for (const forged of forgeries) {
        const res = await refresh(h, client, forged);
        expect([forged.length, res.status, res.body['error']]).toEqual([forged.length, 400, 'invalid_grant']);
      }
      expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(revocationsBefore); // nothing revoked upstream
      expect((await refresh(h, client, victim.refresh_token)).status).toBe(200); // nor here
    });

    it('refresh tokens carry a MAC: <grant id>.<body>.<kid>.<tag>', async () => {
      const t0 = await signIn(h, client);
      expect(t0.refresh_token).toMatch(/^g_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}$/);
    });
  });

  it.each(['', 'garbage', 'g_AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'])('an unknown refresh token %j is invalid_grant or invalid_request, never 5xx', async (token) => {
    const res = await refresh(h, client, token);
    expect(res.status).toBe(400);
    expect(['invalid_grant', 'invalid_request']).toContain(res.body['error']);
  });
});

/** docs/architecture.md#refresh: Cognito is called only when its stored access token would expire first. */
describe('lazy upstream refresh', () => {
  it('a refresh whose Cognito token is still fresh makes no Cognito request and three DynamoDB requests', async () => {
    const h = await GatewayHarness.start({ gatewayEnv: { ACCESS_TOKEN_TTL: '60' } });
    try {
      const client = await register(h.url);
      const t0 = await signIn(h, client);
      const before = refreshCalls(await idpStats(h.idp.baseUrl));
      // Count the DynamoDB requests the gateway makes (one middleware sees every command).
      const commands: string[] = [];
      h.instances[0]!.app.get<DynamoClients>(DYNAMO_CLIENTS).doc.middlewareStack.add(
        (next, context) => async (args) => {
          commands.push(String(context['commandName']));
          return next(args);
        },
        { step: 'initialize', name: 'countForTest' },
      );
      let token = t0.refresh_token;
      for (let i = 0; i < 3; i++) {
        commands.length = 0;
        const r = await refresh(h, client, token);
        expect(r.status).toBe(200);
        token = r.body['refresh_token'] as string;
        // 3 DynamoDB requests per refresh: read the grant, read the user's revocation marker, rotate (the client is cached).
        expect(commands).toEqual(['GetItemCommand', 'GetItemCommand', 'UpdateItemCommand']);
      }
      expect(refreshCalls(await idpStats(h.idp.baseUrl))).toBe(before);
    } finally {
      await h.stop();
    }
  });

  describe('when the Cognito token would expire before the new MCP token', () => {
    let h: GatewayHarness;
    let client: RegisteredClient;
    beforeAll(async () => {
      h = await GatewayHarness.start({ gatewayEnv: { ACCESS_TOKEN_TTL: '600' }, idpEnv: { LOCAL_IDP_ACCESS_TOKEN_TTL: '300' } });
      client = await register(h.url);
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('refreshes at Cognito once per refresh and embeds the new Cognito token', async () => {
      const t0 = await signIn(h, client);
      const before = refreshCalls(await idpStats(h.idp.baseUrl));
      const r1 = await refresh(h, client, t0.refresh_token);
      expect(r1.status).toBe(200);
      expect(refreshCalls(await idpStats(h.idp.baseUrl))).toBe(before + 1);
      expect(decodeJwt(r1.body['access_token'] as string)['cognito_token']).not.toBe(decodeJwt(t0.access_token)['cognito_token']);
    });

    it('works with Cognito refresh-token rotation on', async () => {
      await h.restartIdp({ LOCAL_IDP_ROTATE_REFRESH_TOKENS: 'true', LOCAL_IDP_ACCESS_TOKEN_TTL: '300' });
      const t0 = await signIn(h, client);
      const r1 = await refresh(h, client, t0.refresh_token);
      expect(r1.status).toBe(200);
      // The second refresh must use Cognito's rotated refresh token (the old one is dead upstream).
      const r2 = await refresh(h, client, r1.body['refresh_token'] as string);
      expect(r2.status).toBe(200);
    });

    it('an upstream outage gives temporarily_unavailable and changes nothing stored', async () => {
      const t0 = await signIn(h, client);
      await h.idp.stop();
      let failedAt = Date.now();
      try {
        const down = await refresh(h, client, t0.refresh_token);
        failedAt = Date.now();
        expect(down.status).toBe(503);
        expect(down.body['error']).toBe('temporarily_unavailable');
        expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        await h.restartIdp({ LOCAL_IDP_ACCESS_TOKEN_TTL: '300' });
      }
      // For a moment after a failed upstream refresh the grant answers 503 without calling Cognito again
      // (refresh-single-flight.ts): wait that moment out, as a client honouring Retry-After would.
      await new Promise((r) => setTimeout(r, Math.max(0, failedAt + 2200 - Date.now())));
      // local-idp lost its in-memory grants on restart, so prove "nothing changed" on our side:
      // the same refresh token is still the current one (not rotated, not revoked) - Cognito now
      // answers invalid_grant, which ends our grant.
      const after = await refresh(h, client, t0.refresh_token);
      expect(after.status).toBe(400);
      expect(after.body['error']).toBe('invalid_grant');
      expect(after.body['error_description']).toBe('The sign-in behind this grant has ended.');
    });

    it('an upstream invalid_grant ends our grant', async () => {
      const t0 = await signIn(h, client);
      await h.restartIdp({ LOCAL_IDP_ACCESS_TOKEN_TTL: '300' }); // Cognito forgets the session
      const r = await refresh(h, client, t0.refresh_token);
      expect(r.body['error']).toBe('invalid_grant');
      // Ended for good: even after Cognito is back, the grant stays revoked.
      const again = await refresh(h, client, t0.refresh_token);
      expect(again.body['error']).toBe('invalid_grant');
      expect(again.body['error_description']).toBe('The refresh token is invalid, expired or revoked.');
    });
  });
});

/** RFC 7009 revocation. */
describe('RFC 7009 token revocation', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;
  beforeAll(async () => {
    h = await GatewayHarness.start();
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const revoke = (token: string, clientId = client.client_id) =>
    fetch(`${h.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: clientId }).toString(),
    });

  it('revoking a refresh token ends the grant and revokes the Cognito refresh token', async () => {
    const t0 = await signIn(h, client);
    const before = (await idpStats(h.idp.baseUrl)).revocations.total;
    const res = await revoke(t0.refresh_token);
    expect(res.status).toBe(200);
    expect((await refresh(h, client, t0.refresh_token)).body['error']).toBe('invalid_grant');
    expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(before + 1);
  });

  it('answers 200 for unknown tokens and for access tokens, and changes nothing', async () => {
    expect((await revoke('unknown-token')).status).toBe(200);
    const t0 = await signIn(h, client);
    expect((await revoke(t0.access_token)).status).toBe(200);
    expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
  });

  it("another client cannot revoke a client's token", async () => {
    const t0 = await signIn(h, client);
    const other = await register(h.url);
    expect((await revoke(t0.refresh_token, other.client_id)).status).toBe(200);
    expect((await refresh(h, client, t0.refresh_token)).status).toBe(200);
  });

  it('requires client authentication', async () => {
    const res = await fetch(`${h.url}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=abc' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });
});
