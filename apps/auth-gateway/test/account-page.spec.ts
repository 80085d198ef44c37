import { decodeJwt } from 'jose';
import { accountPageForms, HttpBrowser, openAccountPage, parseForm, type AccountPageView } from '@mcp-cognito/dev-stack';
import { systemClock } from '@mcp-cognito/contracts';
import {
  createDynamoClients,
  createRepositories,
  DEFAULT_STORAGE_DEADLINES,
  grantReference,
  RevocationSet,
  type DynamoClients,
  type Repositories,
} from '@mcp-cognito/storage';
import { purposeMac } from '../src/keys/secrets';
import { ALICE, BOB, GatewayHarness } from './support/harness';
import { idpStats } from './support/idp-stats';
import { exchangeCode, obtainCode, register, tokenRequest, type RegisteredClient } from './support/mcp-client';

interface Connected {
  client: RegisteredClient;
  access: string;
  refresh: string;
}

const EVIL_NAME = `<script>alert("x")</script> & 'Co'`;

/**
 * Issue 15, build item 2: the connected-clients page. Real HTTP against the gateway, the real local-idp for the
 * Cognito leg, the real DynamoDB API. The session is the page's own signed cookie; every form carries a CSRF token
 * derived from it; a grant named by a form is looked up only under the session's user.
 */
describe('the account page (/account): connected clients, revoke, sign out everywhere', () => {
  let h: GatewayHarness;
  let dynamo: DynamoClients;
  let repos: Repositories;
  const alice: Record<'alpha' | 'evil', Connected> = {} as never;
  let bobs: Connected;

  async function connect(name: string, user: typeof ALICE): Promise<Connected> {
    const client = await register(h.url, { client_name: name });
    const flow = await obtainCode(h.url, client, h.resource, user, {
      scope: 'mcp-server/read',
    });
    const tokens = await exchangeCode(h.url, client, flow, h.resource);
    if (tokens.status !== 200) throw new Error(`token: ${tokens.status}`);
    return {
      client,
      access: tokens.body['access_token'] as string,
      refresh: tokens.body['refresh_token'] as string,
    };
  }

  /** Refreshes and keeps the rotated token, so later tests present the current one. */
  async function refresh(c: Connected): Promise<number> {
    const res = await tokenRequest(h.url, {
      grant_type: 'refresh_token',
      refresh_token: c.refresh,
      client_id: c.client.client_id,
    });
    if (res.status === 200) {
      c.refresh = res.body['refresh_token'] as string;
      c.access = res.body['access_token'] as string;
    }
    return res.status;
  }

  /** What every MCP server instance decides for this access token, read fresh from the revocation feed. */
  async function mcpServerDecision(accessToken: string): Promise<string> {
    const set = new RevocationSet({
      pollMs: 60_000,
      failOpenMs: 30_000,
      readBudgetMs: DEFAULT_STORAGE_DEADLINES.budgetMs,
      clock: systemClock,
    });
    set.connect((since) => repos.revocationFeed.since(since));
    expect(await set.refresh()).toBe(true);
    const claims = decodeJwt(accessToken);
    return set.decide({
      sub: claims.sub!,
      issuedAt: claims.iat!,
      grantRef: claims['grant_ref'] as string,
    });
  }

  const signIn = async (user = ALICE): Promise<{ browser: HttpBrowser; page: AccountPageView }> => {
    const browser = new HttpBrowser();
    const page = await openAccountPage(browser, h.url, user);
    expect({
      status: page.status,
      html: page.status === 200 ? '' : page.html,
    }).toEqual({ status: 200, html: '' });
    return { browser, page };
  };

  const post = (browser: HttpBrowser, url: string, fields: Record<string, string>) => browser.post(url, fields);

  beforeAll(async () => {
    h = await GatewayHarness.start({ faultyStorage: true });
    dynamo = createDynamoClients({
      region: 'us-east-1',
      endpoint: h.dynamo.endpoint,
      tableName: 'mcp-cognito',
    });
    repos = createRepositories(dynamo);
    alice.alpha = await connect('Alpha agent', ALICE);
    alice.evil = await connect(EVIL_NAME, ALICE);
    bobs = await connect('Bob tool', BOB);
  });
  afterAll(async () => {
    dynamo?.destroy();
    await h?.stop();
  });

  describe('sign-in through the same Cognito leg as an authorization', () => {
    it('GET /account without a session sends the browser to Cognito: the gateway client, PKCE S256, the registered /callback, openid only, a state bound to this browser', async () => {
      const browser = new HttpBrowser();
      const res = await browser.get(`${h.url}/account`);
      expect(res.status).toBe(302);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const to = new URL(res.headers.get('location')!);
      expect(to.origin).toBe(h.idp.baseUrl);
      expect(to.searchParams.get('client_id')).toBe(h.env['COGNITO_CLIENT_ID']);
      expect(to.searchParams.get('redirect_uri')).toBe(`${h.issuer}/callback`);
      expect(to.searchParams.get('scope')).toBe('openid');
      expect(to.searchParams.get('code_challenge_method')).toBe('S256');
      expect(to.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(browser.cookieNames('127.0.0.1').some((n) => n.startsWith('mcp-signin-'))).toBe(true);
    });

    it('the callback starts the page session: a signed cookie with sub and expiry, HttpOnly, SameSite=Lax, Path=/, 15 minutes; the Cognito refresh token is given back', async () => {
      const { browser, callbackUrl } = await signInUntilCallback(h.url);
      const revocationsBefore = (await idpStats(h.idp.baseUrl)).revocations.total;
      const callback = await browser.get(callbackUrl);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/account');
      const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('mcp-account='))!;
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/; Max-Age=900;/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).not.toMatch(/Domain=/i);
      const value = decodeURIComponent(cookie.split(';')[0]!.slice('mcp-account='.length));
      const [payload, mac] = [value.slice(0, value.lastIndexOf('.')), value.slice(value.lastIndexOf('.') + 1)];
      const [sub, exp] = payload.split('~');
      expect(sub).toBe(ALICE.sub);
      expect(Number(exp) - Math.floor(Date.now() / 1000)).toBeGreaterThan(890);
      expect(mac).toBe(purposeMac(h.env['COOKIE_SECRET']!, 'mcp-account', payload));
      expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(revocationsBefore + 1);
      expect((await browser.get(`${h.url}/account`)).status).toBe(200);
    });

    it('a sign-in cancelled at Cognito ends on an account page (403), not at any application', async () => {
      const browser = new HttpBrowser();
      const res = await browser.get(`${h.url}/account`);
      const state = new URL(res.headers.get('location')!).searchParams.get('state')!;
      const back = await browser.get(`${h.url}/callback?${new URLSearchParams({ error: 'access_denied', state })}`);
      expect(back.status).toBe(403);
      expect(back.headers.get('location')).toBeNull();
      const html = await back.text();
      expect(html).toContain('The sign-in was cancelled.');
      expect(html).toContain('href="/account"');
    });

    it('the consent page links to the account page ("Manage connected clients")', async () => {
      const client = await register(h.url, { client_name: 'Linked' });
      const flow = await obtainCode(h.url, client, h.resource, BOB, { scope: 'mcp-server/read' });
      expect(flow.consentHtml).toMatch(/<a id="manage-clients" href="\/account"[^>]*>Manage connected clients<\/a>/);
    });

    it('a signed session past its expiry, or a tampered one, is no session: the page asks Cognito again, a form gets a 403 page', async () => {
      const past = `${ALICE.sub}~${Math.floor(Date.now() / 1000) - 1}`;
      const expired = `${past}.${purposeMac(h.env['COOKIE_SECRET']!, 'mcp-account', past)}`;
      const future = `${ALICE.sub}~${Math.floor(Date.now() / 1000) + 600}`;
      const tampered = `${future}.${purposeMac(h.env['COOKIE_SECRET']!, 'mcp-account', `${BOB.sub}~1`)}`;
      for (const value of [expired, tampered]) {
        const page = await fetch(`${h.url}/account`, {
          headers: { cookie: `mcp-account=${value}` },
          redirect: 'manual',
        });
        expect(page.status).toBe(302);
        expect(new URL(page.headers.get('location')!).origin).toBe(h.idp.baseUrl);
        const form = await fetch(`${h.url}/account/revoke`, {
          method: 'POST',
          headers: {
            cookie: `mcp-account=${value}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            csrf: 'x',
            grant: grantReference('x'),
          }).toString(),
        });
        expect(form.status).toBe(403);
        expect(form.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await form.text()).toContain('Your session on this page has ended');
      }
    });
  });

  describe('the list', () => {
    it("shows the caller's active grants only (client name and id, redirect host, MCP server, scopes, created, last used), never another user's", async () => {
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await refresh(alice.alpha)).toBe(200);
      const { page } = await signIn();
      const forms = accountPageForms(page);
      expect([...forms.revoke.keys()].sort()).toEqual([alice.alpha.client.client_id, alice.evil.client.client_id].sort());
      expect(page.html).not.toContain(bobs.client.client_id);
      expect(page.html).not.toContain('Bob tool');
      const card = page.html.slice(page.html.indexOf(`data-client-id="${alice.alpha.client.client_id}"`));
      expect(card).toContain('<h2 class="client-name">Alpha agent</h2>');
      expect(card).toContain('<dd class="redirect-host"><code>127.0.0.1:43110</code></dd>');
      expect(card).toContain(`<code>${h.resource}</code>`);
      expect(card).toMatch(/<dd class="scopes"><code>mcp-server\/read<\/code><\/dd>/);
      const created = Date.parse(/class="created"><time datetime="([^"]+)"/.exec(card)![1]!);
      const lastUsed = Date.parse(/class="last-used"><time datetime="([^"]+)"/.exec(card)![1]!);
      // "Last used" is the last refresh (the rotation already writes it), later than the code redemption.
      expect(lastUsed).toBeGreaterThan(created);
      expect(Math.abs(lastUsed - Date.now())).toBeLessThan(5_000);
      // The grant is named by its one-way reference, never by its id (the refresh token's prefix).
      expect(page.html).not.toContain(alice.alpha.refresh.split('.')[0]);
    });

    it('escapes every value: a client named with HTML renders as text', async () => {
      const { page } = await signIn();
      expect(page.html).not.toContain('<script>');
      expect(page.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;');
    });

    it("cannot be framed or cached and sends no referrer (CSP frame-ancestors 'none', X-Frame-Options DENY, no-store, no-referrer)", async () => {
      const { page } = await signIn();
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    });
  });

  describe('Revoke', () => {
    it("is refused (403 page, nothing ends) without the session's CSRF token, with another session's token, or from another origin", async () => {
      const { browser, page } = await signIn();
      const form = accountPageForms(page).revoke.get(alice.alpha.client.client_id)!;
      const bob = await signIn(BOB);
      const bobsToken = accountPageForms(bob.page).revoke.get(bobs.client.client_id)!.fields['csrf']!;
      for (const csrf of [undefined, '', bobsToken, `${form.fields['csrf']}x`]) {
        const fields = { ...form.fields };
        if (csrf === undefined) delete fields['csrf'];
        else fields['csrf'] = csrf;
        const res = await post(browser, form.action, fields);
        expect(res.status).toBe(403);
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(await res.text()).toContain('The form has expired or was not sent from this page');
      }
      // Fetch Metadata and Origin name another site: refused even with a valid token (the page's own forms say
      // `Sec-Fetch-Site: same-origin`, and `Origin: null` under its no-referrer policy).
      const foreign: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }];
      for (const headers of foreign) {
        const crossSite = await browser.request(form.action, { method: 'POST', form: form.fields, headers });
        expect(crossSite.status).toBe(403);
        expect(await crossSite.text()).toContain('The form was not sent from this site');
      }
      expect(await refresh(alice.alpha)).toBe(200);
    });

    it("refuses a grant that is not the caller's (404 page): the form's grant is looked up under the session's user only", async () => {
      const { browser, page } = await signIn();
      const csrf = accountPageForms(page).revoke.get(alice.alpha.client.client_id)!.fields['csrf']!;
      const bob = await signIn(BOB);
      const bobsGrant = accountPageForms(bob.page).revoke.get(bobs.client.client_id)!.fields['grant']!;
      const res = await post(browser, `${h.url}/account/revoke`, {
        csrf,
        grant: bobsGrant,
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('That connected client was not found');
      expect(await refresh(bobs)).toBe(200);
      expect(await mcpServerDecision(bobs.access)).toBe('accept');
    });

    it('answers bad input with a 4xx page, never a 500: a malformed grant, a body that is not a form', async () => {
      const { browser, page } = await signIn();
      const csrf = accountPageForms(page).revoke.get(alice.alpha.client.client_id)!.fields['csrf']!;
      const malformed = await post(browser, `${h.url}/account/revoke`, {
        csrf,
        grant: '../../x',
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.text()).toContain('The form does not name a connected client');
      const json = await browser.request(`${h.url}/account/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(json.status).toBe(400);
      expect(json.headers.get('content-type')).toMatch(/^text\/html/);
    });

    it('a storage outage is the "try again" page (503, Retry-After), and nothing ends', async () => {
      const { browser, page } = await signIn();
      const form = accountPageForms(page).revoke.get(alice.alpha.client.client_id)!;
      h.storage!.mode = 'down';
      try {
        for (const res of [await browser.get(`${h.url}/account`), await post(browser, form.action, form.fields)]) {
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toBe(String(DEFAULT_STORAGE_DEADLINES.retryAfterSeconds));
          expect(await res.text()).toContain('Temporarily unavailable');
        }
      } finally {
        h.storage!.mode = 'pass';
      }
      expect(await refresh(alice.alpha)).toBe(200);
    });

    it("ends the grant: 303 back with a notice; its refresh token is refused, every MCP server's revocation set refuses its access tokens, Cognito's refresh token is revoked; the other grant keeps working", async () => {
      const { browser, page } = await signIn();
      const form = accountPageForms(page).revoke.get(alice.evil.client.client_id)!;
      const before = (await idpStats(h.idp.baseUrl)).revocations.total;
      expect(await mcpServerDecision(alice.evil.access)).toBe('accept');
      const res = await post(browser, form.action, form.fields);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/account?revoked=${form.fields['grant']}`);
      expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(before + 1);
      const after = await browser.get(new URL(res.headers.get('location')!, h.url).toString());
      const html = await after.text();
      expect(html).toContain('id="notice"');
      expect(html).toContain('&lt;script&gt;');
      expect(accountPageForms({ ...page, html }).revoke.has(alice.evil.client.client_id)).toBe(false);
      const refused = await tokenRequest(h.url, {
        grant_type: 'refresh_token',
        refresh_token: alice.evil.refresh,
        client_id: alice.evil.client.client_id,
      });
      expect([refused.status, refused.body['error']]).toEqual([400, 'invalid_grant']);
      expect(await mcpServerDecision(alice.evil.access)).toBe('revoked');
      expect(await refresh(alice.alpha)).toBe(200);
      expect(await mcpServerDecision(alice.alpha.access)).toBe('accept');
      // Posting the same form again (a reload, a double click) changes nothing more.
      const again = await post(browser, form.action, form.fields);
      expect(again.status).toBe(303);
      expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(before + 1);
    });
  });

  describe('Sign out everywhere', () => {
    it("ends every grant of the caller (feed, grant, Cognito refresh token) and the page session; another user's grants are untouched", async () => {
      const { browser, page } = await signIn();
      const form = accountPageForms(page).signOutEverywhere!;
      const before = (await idpStats(h.idp.baseUrl)).revocations.total;
      const res = await post(browser, form.action, form.fields);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/account/signed-out?ended=1');
      expect(res.headers.getSetCookie().some((c) => /^mcp-account=;/.test(c))).toBe(true);
      expect((await idpStats(h.idp.baseUrl)).revocations.total).toBe(before + 1);
      const done = await browser.get(`${h.url}/account/signed-out?ended=1`);
      expect(done.headers.get('x-frame-options')).toBe('DENY');
      expect(await done.text()).toContain('One application lost access');
      const refused = await tokenRequest(h.url, {
        grant_type: 'refresh_token',
        refresh_token: alice.alpha.refresh,
        client_id: alice.alpha.client.client_id,
      });
      expect(refused.status).toBe(400);
      expect(await mcpServerDecision(alice.alpha.access)).toBe('revoked');
      // The page's session is gone: the next visit goes back to Cognito.
      const next = await browser.get(`${h.url}/account`);
      expect(next.status).toBe(302);
      expect(new URL(next.headers.get('location')!).origin).toBe(h.idp.baseUrl);
      expect(await refresh(bobs)).toBe(200);
      expect(await mcpServerDecision(bobs.access)).toBe('accept');
      const grants = await repos.grants.listForUser(ALICE.sub);
      expect(grants.filter((g) => g.status === 'active')).toEqual([]);
      expect(grants.map((g) => g.revokedReason).sort()).toEqual(['revoked_by_user', 'signed_out_everywhere']);
    });
  });
});

/** Over https (or with SECURE_COOKIES) the page's session takes the `__Host-` prefix: only this origin can set or read it. */
describe('the account session cookie over https', () => {
  it('a session over https is __Host-mcp-account with Secure (SECURE_COOKIES)', async () => {
    const secure = await GatewayHarness.start({
      gatewayEnv: { SECURE_COOKIES: 'true' },
    });
    try {
      const { browser, callbackUrl } = await signInUntilCallback(secure.url);
      const callback = await browser.get(callbackUrl);
      const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-mcp-account='));
      expect(cookie).toMatch(/; Path=\/;.*; HttpOnly; Secure; SameSite=Lax$/);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await secure.stop();
    }
  });
});

/** Opens `<gateway>/account` without a session and signs Alice in at local-idp's form, stopping before `/callback`. */
async function signInUntilCallback(gateway: string): Promise<{ browser: HttpBrowser; callbackUrl: string }> {
  const browser = new HttpBrowser();
  const start = `${gateway}/account`;
  const login = await browser.follow(await browser.get(start), start, () => false);
  const form = parseForm(await login.response.text(), login.url);
  const posted = await browser.post(form.action, { ...form.fields, username: ALICE.username, password: ALICE.password });
  const atCallback = await browser.follow(posted, form.action, (u) => u.pathname === '/callback');
  return { browser, callbackUrl: atCallback.stoppedAt!.toString() };
}
