import { HttpBrowser, parseForm, pkce } from '@mcp-cognito/dev-stack';
import { DYNAMO_CLIENTS } from '@mcp-cognito/nest-platform';
import { DEFAULT_STORAGE_DEADLINES, type DynamoClients } from '@mcp-cognito/storage';
import { GatewayHarness, ALICE } from './support/harness';
import { authorizationUrl, exchangeCode, obtainCode, register, tokenRequest, type FlowResult, type RegisteredClient } from './support/mcp-client';
import { approveConsent, countItems, signInUpstream } from './support/flow-steps';
import { CLIENT_REDIRECT } from './support/mcp-client';

interface Answer {
  endpoint: string;
  status: number;
  headers: Headers;
  body: string;
  ms: number;
}

async function timed(endpoint: string, send: () => Promise<Response>): Promise<Answer> {
  const started = performance.now();
  const res = await send();
  const body = await res.text();
  return { endpoint, status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

const form = (url: string, fields: Record<string, string>, browser?: HttpBrowser) =>
  browser
    ? browser.post(url, fields)
    : fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });

/**
 * Issue 18 "outage answers" (RFC 6749 §4.1.2.1 / §5.2, RFC 7009 §2.2.1): when the table is down (connections reset)
 * or hung (nothing answers), every gateway endpoint answers within the storage budget with 503 +
 * `temporarily_unavailable` + `Retry-After` (JSON endpoints) or an honest "try again" page (browser endpoints); never
 * a 500, never a misleading client-facing error; nothing is half-written; and the same process recovers on its own.
 */
describe.each([
  ['down', 'connections reset (a killed engine)', 1_000],
  ['hang', 'nothing answers (a paused engine)', DEFAULT_STORAGE_DEADLINES.budgetMs + 1_000],
] as const)('a storage outage, %s: %s', (mode, _what, boundMs) => {
  let h: GatewayHarness;
  let used: RegisteredClient;
  let uncached: RegisteredClient;
  let unredeemed: FlowResult;
  let refreshToken: string;
  let consent: { browser: HttpBrowser; action: string; fields: Record<string, string> };
  let callback: { browser: HttpBrowser; url: string };

  beforeAll(async () => {
    h = await GatewayHarness.start({ faultyStorage: true });
    used = await register(h.url);
    uncached = await register(h.url); // never looked up by the gateway: not in its client cache
    unredeemed = await obtainCode(h.url, used, h.resource, ALICE);
    const signedIn = await exchangeCode(h.url, used, await obtainCode(h.url, used, h.resource, ALICE), h.resource);
    refreshToken = signedIn.body['refresh_token'] as string;
    // A consent page shown before the outage, approved during it.
    const browser = new HttpBrowser();
    const url = authorizationUrl(h.url, {
      client_id: used.client_id,
      redirect_uri: used.redirect_uris[0],
      response_type: 'code',
      state: 's1',
      scope: 'mcp-server/read',
      resource: h.resource,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    });
    const page = parseForm(await (await browser.get(url)).text(), url);
    consent = { browser, action: page.action, fields: { ...page.fields, decision: 'approve' } };
    // A sign-in that comes back from Cognito during the outage.
    const leg = await approveConsent(h, used);
    callback = { browser: leg.browser, url: (await signInUpstream(leg)).toString() };
  });
  afterAll(async () => {
    await h?.stop();
  });

  it(`every endpoint answers 503 within ${boundMs} ms: JSON with temporarily_unavailable and Retry-After, or a page; nothing is written`, async () => {
    const before = await countItems(h);
    h.storage!.mode = mode;
    const answers = await Promise.all([
      timed('POST /register', () =>
        fetch(`${h.url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:1/cb'] }) }),
      ),
      timed('POST /token authorization_code', () =>
        form(`${h.url}/token`, {
          grant_type: 'authorization_code',
          code: unredeemed.code,
          redirect_uri: used.redirect_uris[0]!,
          code_verifier: unredeemed.verifier,
          client_id: used.client_id,
          resource: h.resource,
        }),
      ),
      timed('POST /token refresh_token', () => form(`${h.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: used.client_id })),
      timed('POST /revoke', () => form(`${h.url}/revoke`, { token: refreshToken, client_id: used.client_id })),
      timed('GET /authorize', () =>
        fetch(
          authorizationUrl(h.url, {
            client_id: uncached.client_id,
            redirect_uri: uncached.redirect_uris[0],
            response_type: 'code',
            scope: 'mcp-server/read',
            resource: h.resource,
            code_challenge: pkce().challenge,
            code_challenge_method: 'S256',
          }),
          { redirect: 'manual' },
        ),
      ),
      timed('POST /consent', () => form(consent.action, consent.fields, consent.browser)),
      timed('GET /callback', () => callback.browser.get(callback.url)),
    ]);
    const health = await timed('GET /health', () => fetch(`${h.url}/health`));
    h.storage!.mode = 'pass';

    for (const a of answers) {
      expect({ endpoint: a.endpoint, status: a.status, retryAfter: a.headers.get('retry-after') }).toEqual({
        endpoint: a.endpoint,
        status: 503,
        retryAfter: String(DEFAULT_STORAGE_DEADLINES.retryAfterSeconds),
      });
      expect(a.headers.get('cache-control')).toBe('no-store');
      expect({ endpoint: a.endpoint, fast: a.ms < boundMs }).toEqual({ endpoint: a.endpoint, fast: true });
      if (a.endpoint.startsWith('POST /token') || a.endpoint === 'POST /revoke' || a.endpoint === 'POST /register') {
        expect(JSON.parse(a.body)).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly.' });
      } else {
        // A person reads these: a page that says to try again, not JSON and not "your session is unknown".
        expect(a.headers.get('content-type')).toMatch(/^text\/html/);
        expect(a.headers.get('location')).toBeNull();
        expect(a.body).toContain('Temporarily unavailable');
        expect(a.body).toContain(a.endpoint === 'GET /callback' ? 'Start again from your application' : 'reload this page');
        expect(a.body).not.toMatch(/unknown|expired|already used/);
      }
    }
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ error: { dynamodb: { status: 'down' } } });
    // Nothing half-written: no client registered, no code consumed, no grant changed, no session used or created.
    expect(await countItems(h)).toEqual(before);
  });

  it('recovers without a restart: the code, the refresh token and the consent still work, and a new sign-in completes', async () => {
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    const redeemed = await exchangeCode(h.url, used, unredeemed, h.resource);
    expect(redeemed.status).toBe(200);
    const refreshed = await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: used.client_id });
    expect(refreshed.status).toBe(200);
    const approved = await consent.browser.post(consent.action, consent.fields);
    expect(approved.status).toBe(302);
    // The interrupted sign-in's page told the user to start again from the application; doing so works.
    const leg = await approveConsent(h, used);
    const completed = await leg.browser.get((await signInUpstream(leg)).toString());
    expect(completed.status).toBe(302);
    expect(new URL(completed.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    const registered = await fetch(`${h.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:1/cb'], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status).toBe(201);
  });
});

describe('a storage outage after the sign-in session was consumed at /callback', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('sends temporarily_unavailable to the client on its validated redirect URI (only the client can start over)', async () => {
    const client = await register(h.url);
    const leg = await approveConsent(h, client);
    const callbackUrl = await signInUpstream(leg);
    const stack = h.instances[0]!.app.get<DynamoClients>(DYNAMO_CLIENTS).doc.middlewareStack;
    // The one write after the session is consumed - the MCP code - times out; a real engine cannot fail exactly there.
    stack.add(
      (next, context) => async (args) => {
        if (context['commandName'] === 'PutItemCommand') throw Object.assign(new Error('injected'), { name: 'TimeoutError' });
        return next(args);
      },
      { step: 'initialize', name: 'failCodeWrite' },
    );
    try {
      const res = await leg.browser.get(callbackUrl.toString());
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(CLIENT_REDIRECT);
      expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
      expect(location.searchParams.get('state')).toBe('client-state');
      expect(location.searchParams.get('iss')).toBe(h.issuer);
      expect(location.searchParams.get('code')).toBeNull();
    } finally {
      stack.remove('failCodeWrite');
    }
    expect((await countItems(h))['CODE'] ?? 0).toBe(0);
  });
});
