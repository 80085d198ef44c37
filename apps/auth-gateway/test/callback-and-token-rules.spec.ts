import { HttpBrowser, authorizeInBrowser, pkce } from '@mcp-cognito/dev-stack';
import { DYNAMO_CLIENTS } from '@mcp-cognito/nest-platform';
import type { DynamoClients } from '@mcp-cognito/storage';
import { GatewayHarness, ALICE } from './support/harness';
import { CLIENT_REDIRECT, exchangeCode, obtainCode, register, tokenRequest, type RegisteredClient } from './support/mcp-client';
import { approveConsent, countItems, signInUpstream } from './support/flow-steps';

/**
 * GET /callback (docs/architecture.md#the-flow) and POST /token with grant_type=authorization_code (RFC 6749 §4.1.3,
 * §10.5; RFC 7636 §4.6; RFC 8707 §2.2): upstream trouble never yields a 5xx or a half-written state;
 * codes are single use, short-lived and bound to client, redirect URI, challenge and resource.
 */
describe('callback rules (upstream leg)', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start();
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a tampered state is refused with a page (nothing to redirect to) and issues no code', async () => {
    const leg = await approveConsent(h, client);
    const callback = await signInUpstream(leg);
    const before = await countItems(h);
    callback.searchParams.set('state', `${leg.state.slice(0, -4)}AAAA`);
    const res = await leg.browser.get(callback.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    // The tampered state is not the one bound to this browser: refused before any lookup.
    expect(await res.text()).toContain('not started in this browser');
    expect((await countItems(h))['CODE'] ?? 0).toBe(before['CODE'] ?? 0);
  });

  it("a sign-in started in one browser cannot be finished in another (MCP confused deputy: state bound to the consenting browser)", async () => {
    // The attacker approves their own client and hands the Cognito URL (with their state) to a victim.
    const attacker = await approveConsent(h, client);
    const victim = { ...attacker, browser: new HttpBrowser() };
    const callback = await signInUpstream(victim);
    const before = await countItems(h);
    const res = await victim.browser.get(callback.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('not started in this browser');
    // Nothing consumed or issued: the session is still there for the browser that started it.
    expect(await countItems(h)).toEqual(before);
  });

  it('a replayed callback (state already consumed) is refused', async () => {
    const leg = await approveConsent(h, client);
    const callback = await signInUpstream(leg);
    const first = await leg.browser.get(callback.toString());
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    const again = await leg.browser.get(callback.toString());
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });

  it('Cognito returning error=access_denied goes back to the client as access_denied with its state and iss', async () => {
    const leg = await approveConsent(h, client);
    const res = await leg.browser.get(`${h.url}/callback?error=access_denied&error_description=cancelled&state=${leg.state}`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CLIENT_REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('client-state');
    expect(location.searchParams.get('iss')).toBe(h.issuer);
  });

  it('an upstream error with an unknown state is a page, never a redirect', async () => {
    const res = await fetch(`${h.url}/callback?error=access_denied&state=nope`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it.each([
    ['no parameters', ''],
    ['code without state', '?code=abc'],
    ['state without code', '?state=abc'],
    ['repeated parameters', '?code=a&code=b&state=s&state=t'],
  ])('a malformed callback (%s) is a 400 page', async (_name, query) => {
    const res = await fetch(`${h.url}/callback${query}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('Cognito unreachable during the code exchange: temporarily_unavailable to the client, nothing half-written', async () => {
    const leg = await approveConsent(h, client);
    const callback = await signInUpstream(leg);
    await h.idp.stop();
    try {
      const before = await countItems(h);
      const res = await leg.browser.get(callback.toString());
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
      expect(location.searchParams.get('state')).toBe('client-state');
      expect(location.searchParams.get('iss')).toBe(h.issuer);
      const after = await countItems(h);
      expect(after['CODE'] ?? 0).toBe(before['CODE'] ?? 0);
      // The session was consumed exactly once: it cannot be retried.
      expect(after['SESSION'] ?? 0).toBe((before['SESSION'] ?? 0) - 1);
    } finally {
      await h.restartIdp();
    }
  });
});

describe('token endpoint: authorization_code grant rules', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start({ gatewayEnv: { AUTHORIZATION_CODE_TTL: '5' } });
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("a code exchange costs 6 DynamoDB requests once the client is known (read code; index the grant under its user and username, create it; read the user's revocation marker; consume the code)", async () => {
    const fresh = await register(h.url);
    await exchangeCode(h.url, fresh, await obtainCode(h.url, fresh, h.resource, ALICE), h.resource); // first use marks the registration used
    const flow = await obtainCode(h.url, fresh, h.resource, ALICE);
    const commands: string[] = [];
    h.instances[0]!.app.get<DynamoClients>(DYNAMO_CLIENTS).doc.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context['commandName']));
        return next(args);
      },
      { step: 'initialize', name: 'countCodeExchange' },
    );
    try {
      const token = await exchangeCode(h.url, fresh, flow, h.resource);
      expect(token.status).toBe(200);
      expect(commands).toEqual(['GetItemCommand', 'PutItemCommand', 'PutItemCommand', 'PutItemCommand', 'GetItemCommand', 'UpdateItemCommand']);
    } finally {
      h.instances[0]!.app.get<DynamoClients>(DYNAMO_CLIENTS).doc.middlewareStack.remove('countCodeExchange');
    }
  });

  it('PKCE: a wrong verifier is invalid_grant and does not burn the code', async () => {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const wrong = await exchangeCode(h.url, client, flow, h.resource, { code_verifier: 'x'.repeat(43) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'PKCE verification failed.' });
    expect(wrong.headers.get('cache-control')).toBe('no-store');
    const missing = await exchangeCode(h.url, client, flow, h.resource, { code_verifier: '' });
    expect(missing.body['error']).toBe('invalid_grant');
    const right = await exchangeCode(h.url, client, flow, h.resource);
    expect(right.status).toBe(200);
  });

  it('a replayed code is invalid_grant and revokes the grant the first redemption issued (RFC 6749 §10.5)', async () => {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const first = await exchangeCode(h.url, client, flow, h.resource);
    expect(first.status).toBe(200);
    const replay = await exchangeCode(h.url, client, flow, h.resource);
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('invalid_grant');
    const refresh = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: first.body['refresh_token'] as string, client_id: client.client_id });
    expect(refresh.status).toBe(400);
    expect(refresh.body['error']).toBe('invalid_grant');
  });

  it('RFC 6749 §10.5 under races: a replay that arrives while the first redemption is still minting revokes what it issues', async () => {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const doc = h.instances[0]!.app.get<DynamoClients>(DYNAMO_CLIENTS).doc;
    // The first redemption is held right after its code-consuming write (the code now names its grant) until the
    // replay has been answered: the window in which a replay used to find no grant to revoke.
    let paused!: () => void;
    const reachedPause = new Promise<void>((resolve) => (paused = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let armed = true;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (armed && context['commandName'] === 'UpdateItemCommand' && JSON.stringify(args.input).includes('CODE#')) {
          armed = false;
          paused();
          await released;
        }
        return out;
      },
      { step: 'initialize', name: 'holdFirstRedemption' },
    );
    // Bounded waits: a test that gave up must still release the held request, or the app could never close.
    const within = <T>(promise: Promise<T>, what: string) =>
      Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within 10 s`)), 10_000))]);
    try {
      const first = exchangeCode(h.url, client, flow, h.resource);
      await within(reachedPause, 'the first redemption reaching its consuming write');
      const replay = await exchangeCode(h.url, client, flow, h.resource);
      expect(replay.status).toBe(400);
      expect(replay.body['error']).toBe('invalid_grant');
      release();
      const winner = await within(first, 'the first redemption finishing');
      expect(winner.status).toBe(200);
      const refresh = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: winner.body['refresh_token'] as string, client_id: client.client_id });
      expect(refresh.status).toBe(400);
      expect(refresh.body['error']).toBe('invalid_grant');
    } finally {
      release();
      doc.middlewareStack.remove('holdFirstRedemption');
    }
  });

  it('RFC 6749 §10.5: of concurrent redemptions of one code, one wins and, being replayed, ends with its grant revoked', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const flow = await obtainCode(h.url, client, h.resource, ALICE);
      const answers = await Promise.all([0, 1, 2].map(() => exchangeCode(h.url, client, flow, h.resource)));
      const winners = answers.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      const refresh = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: winners[0]!.body['refresh_token'] as string, client_id: client.client_id });
      expect(refresh.body['error']).toBe('invalid_grant');
    }
  });

  it('a code redeemed by another client is invalid_grant', async () => {
    const other = await register(h.url);
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const res = await exchangeCode(h.url, other, flow, h.resource, { client_id: other.client_id });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_grant');
    // ...and the rightful client can still redeem it (the failed attempt changed nothing).
    expect((await exchangeCode(h.url, client, flow, h.resource)).status).toBe(200);
  });

  it('redirect_uri omitted at /authorize (one registered URI) may be omitted at /token, but not changed (RFC 6749 §4.1.3)', async () => {
    const browser = new HttpBrowser();
    const { verifier, challenge } = pkce();
    const url = `${h.url}/authorize?client_id=${client.client_id}&response_type=code&state=s&scope=mcp-server%2Fread&resource=${encodeURIComponent(h.resource)}&code_challenge=${challenge}&code_challenge_method=S256`;
    const result = await authorizeInBrowser(browser, url, CLIENT_REDIRECT, ALICE);
    const code = result.redirect.searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client.client_id };
    const changed = await tokenRequest(h.url, { ...base, redirect_uri: 'http://127.0.0.1:43110/other' });
    expect(changed.body['error']).toBe('invalid_grant');
    const omitted = await tokenRequest(h.url, base);
    expect(omitted.status).toBe(200);
  });

  it('redirect_uri must match the authorization request (and is required when it was sent)', async () => {
    const sent = await obtainCode(h.url, client, h.resource, ALICE);
    const missing = await tokenRequest(h.url, { grant_type: 'authorization_code', code: sent.code, code_verifier: sent.verifier, client_id: client.client_id });
    expect(missing.body['error']).toBe('invalid_grant');
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const res = await exchangeCode(h.url, client, flow, h.resource, { redirect_uri: 'http://127.0.0.1:43110/other' });
    expect(res.body['error']).toBe('invalid_grant');
  });

  it('resource must match the authorization request (RFC 8707 §2.2)', async () => {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    const res = await exchangeCode(h.url, client, flow, h.resource, { resource: 'https://other.example.com/mcp' });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_target');
  });

  it('an expired code is invalid_grant', async () => {
    const flow = await obtainCode(h.url, client, h.resource, ALICE);
    await new Promise((r) => setTimeout(r, 6000));
    const res = await exchangeCode(h.url, client, flow, h.resource);
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_grant');
  }, 20_000);

  it('confidential clients must authenticate with their registered method', async () => {
    const confidential = await register(h.url, { token_endpoint_auth_method: 'client_secret_basic' });
    expect(confidential.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const flow = await obtainCode(h.url, confidential, h.resource, ALICE);
    const form = { grant_type: 'authorization_code', code: flow.code, redirect_uri: CLIENT_REDIRECT, code_verifier: flow.verifier };
    const noAuth = await tokenRequest(h.url, { ...form, client_id: confidential.client_id });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body['error']).toBe('invalid_client');
    const wrongSecret = await tokenRequest(h.url, form, { authorization: `Basic ${Buffer.from(`${confidential.client_id}:wrong`).toString('base64')}` });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    const post = await tokenRequest(h.url, { ...form, client_id: confidential.client_id, client_secret: confidential.client_secret! });
    expect(post.status).toBe(401); // registered basic, presented post
    const ok = await tokenRequest(h.url, form, { authorization: `Basic ${Buffer.from(`${confidential.client_id}:${confidential.client_secret}`).toString('base64')}` });
    expect(ok.status).toBe(200);
  });

  it.each([
    ['JSON instead of a form', 'application/json', '{"grant_type":"authorization_code"}', 'invalid_request'],
    ['an empty form', 'application/x-www-form-urlencoded', '', 'invalid_request'],
    ['an unknown grant type', 'application/x-www-form-urlencoded', 'grant_type=password&client_id=x', 'unsupported_grant_type'],
    ['client_credentials', 'application/x-www-form-urlencoded', 'grant_type=client_credentials', 'unsupported_grant_type'],
    ['a repeated parameter', 'application/x-www-form-urlencoded', 'grant_type=authorization_code&grant_type=refresh_token', 'invalid_request'],
    ['an unknown client', 'application/x-www-form-urlencoded', 'grant_type=authorization_code&client_id=nobody&code=x', 'invalid_client'],
    ['a huge body', 'application/x-www-form-urlencoded', `grant_type=authorization_code&code=${'a'.repeat(40_000)}`, 'invalid_request'],
    ['broken percent-encoding', 'application/x-www-form-urlencoded', 'grant_type=%ZZ', 'unsupported_grant_type'],
  ])('malformed: %s -> a 4xx OAuth error, never a 5xx', async (_name, type, body, error) => {
    const res = await fetch(`${h.url}/token`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });
});
