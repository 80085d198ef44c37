import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { findWorkspaceRoot, type LocalStack } from '@mcp-cognito/dev-stack';
import { InMemoryOAuthProvider } from '../support/in-memory-oauth-provider';
import { McpSession } from '../support/mcp-session';
import { ALICE, READ, startE2eStack, WRITE } from '../support/e2e-stack';

/**
 * The same flow with a real browser (Debian chromium driven by playwright-core): the MCP SDK client
 * does discovery, registration and the token exchange; chromium shows the gateway's consent page and
 * local-idp's login page, a user clicks and types, and a loopback HTTP server - the client's redirect
 * URI - receives the code. Screenshots go to the git-ignored e2e-artifacts/.
 *
 * Needs /usr/bin/chromium (`apt-get update && apt-get install -y chromium`); without it the suite fails,
 * it never skips. CHROMIUM_PATH overrides the location.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(findWorkspaceRoot(), 'e2e-artifacts');
const CLIENT_NAME = 'e2e browser agent';

/** The client's loopback redirect URI (RFC 8252) plus a page that tries to frame another page. */
interface LoopbackClient {
  server: Server;
  origin: string;
  redirectUri: string;
  nextCallback(): Promise<URL>;
}

async function startLoopbackClient(): Promise<LoopbackClient> {
  const waiting: Array<(url: URL) => void> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === '/callback') {
      waiting.shift()?.(url);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Signed in</title><h1>Signed in</h1><p>You can close this window and return to the app.</p>');
    } else if (url.pathname === '/frame') {
      // An attacker's page that embeds the consent page (clickjacking attempt).
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>framing attempt</title><h1>Framing attempt</h1>` +
          `<iframe id="victim" src="${url.searchParams.get('src')!.replace(/"/g, '&quot;')}" width="800" height="500"></iframe>`,
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    redirectUri: `${origin}/callback`,
    nextCallback: () => new Promise<URL>((resolve) => waiting.push(resolve)),
  };
}

interface ConsentObservation {
  clientName: string;
  redirectHost: string;
  scopes: string[];
  resource: string;
  headers: Record<string, string>;
}

describe('browser: chromium through the gateway consent page and the local-idp login page', () => {
  let stack: LocalStack;
  let browser: Browser;
  let context: BrowserContext;
  let loopback: LoopbackClient;
  let session: McpSession | undefined;
  let provider: InMemoryOAuthProvider;
  const seen: { consent?: ConsentObservation; loginUrl?: string; framed?: { frameUrl: string; consentRendered: boolean; xfo?: string } } = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH). The browser suite does not skip.`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    // STACK.md launch flags; playwright gives every launch a fresh, throw-away user-data-dir.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    [stack, loopback] = await Promise.all([startE2eStack({ singleOrigin: true }), startLoopbackClient()]);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await stack?.stop();
    await new Promise<void>((r) => (loopback ? loopback.server.close(() => r()) : r()));
  });

  it('the SDK discovers and registers, the user consents and signs in in chromium, the SDK redeems the code and calls tools', async () => {
    provider = new InMemoryOAuthProvider({
      redirectUrl: loopback.redirectUri,
      clientName: CLIENT_NAME,
      expectedIssuer: stack.urls.issuer,
      browserLeg: async (authorizationUrl) => {
        // Clickjacking check first, in a separate context (its own cookies): another origin frames /authorize.
        const attacker = await browser.newContext();
        try {
          const page = await attacker.newPage();
          const framed = page.waitForResponse((r) => r.url().startsWith(`${stack.urls.issuer}/authorize`));
          await page.goto(`${loopback.origin}/frame?src=${encodeURIComponent(authorizationUrl.toString())}`);
          const response = await framed;
          await page.waitForTimeout(500);
          const frame = page.frames().find((f) => f !== page.mainFrame());
          const consentRendered = frame ? (await frame.locator('#client-name').count().catch(() => 0)) > 0 : false;
          seen.framed = { frameUrl: frame?.url() ?? '(no frame)', consentRendered, xfo: response.headers()['x-frame-options'] };
          await page.screenshot({ path: join(ARTIFACTS, 'consent-framed-blocked.png') });
        } finally {
          await attacker.close();
        }

        const page = await context.newPage();
        const consent = await page.goto(authorizationUrl.toString());
        await page.locator('#client-name').waitFor();
        seen.consent = {
          clientName: (await page.locator('#client-name').textContent()) ?? '',
          redirectHost: (await page.locator('#redirect-host').textContent()) ?? '',
          scopes: await page.locator('#scopes code').allTextContents(),
          resource: (await page.locator('#resource').textContent()) ?? '',
          headers: consent!.headers(),
        };
        await page.screenshot({ path: join(ARTIFACTS, 'consent.png'), fullPage: true });
        await page.getByRole('button', { name: 'Allow' }).click();

        await page.locator('input[type=password]').waitFor();
        seen.loginUrl = page.url();
        await page.locator('#username').fill(ALICE.username);
        await page.locator('#password').fill(ALICE.password);
        await page.screenshot({ path: join(ARTIFACTS, 'login.png'), fullPage: true });
        const callback = loopback.nextCallback();
        await page.getByRole('button', { name: 'Sign in' }).click();
        const redirect = await callback;
        await page.waitForURL((u) => u.pathname === '/callback');
        await page.screenshot({ path: join(ARTIFACTS, 'callback.png') });
        await page.close();
        return redirect;
      },
    });

    session = await McpSession.connect(stack.urls.mcp, provider);
    expect(session.authorizations).toBe(1);
    const me = (await session.callJson('whoami')) as { username: string; scopes: string[] };
    expect(me.username).toBe(ALICE.username);
    expect([...me.scopes].sort()).toEqual([READ, WRITE]);
    const note = (await session.callJson('notes_create', { title: 'from the browser flow', body: 'hello' })) as { id: string };
    expect(((await session.callJson('notes_list', {})) as { notes: Array<{ id: string }> }).notes.map((n) => n.id)).toContain(note.id);
    expect(await session.callJson('notes_get', { id: note.id })).toMatchObject({ id: note.id, body: 'hello' });
    expect(await session.callJson('notes_delete', { id: note.id })).toEqual({ id: note.id, deleted: true });
  });

  it('the consent page names the client, where the answer goes, the scopes and the MCP server', () => {
    expect(seen.consent).toBeDefined();
    expect(seen.consent!.clientName).toBe(CLIENT_NAME);
    expect(seen.consent!.redirectHost).toContain('127.0.0.1');
    expect(seen.consent!.scopes.sort()).toEqual([READ, WRITE]);
    expect(seen.consent!.resource).toBe(stack.urls.mcp);
  });

  it("the consent page forbids framing (CSP frame-ancestors 'none', X-Frame-Options DENY), and chromium keeps a framed copy blank", () => {
    expect(seen.consent!.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(seen.consent!.headers['x-frame-options']).toBe('DENY');
    // The gateway did answer the framed request; the browser refused to render it.
    expect(seen.framed).toBeDefined();
    expect(seen.framed!.xfo).toBe('DENY');
    expect(seen.framed!.consentRendered).toBe(false);
    expect(seen.framed!.frameUrl).not.toContain('/authorize');
  });

  it('the login page was local-idp (the Cognito stand-in), reached after consent, on its own origin', () => {
    expect(seen.loginUrl).toBeDefined();
    expect(new URL(seen.loginUrl!).origin).toBe(stack.urls.idp);
    expect(existsSync(join(ARTIFACTS, 'consent.png'))).toBe(true);
    expect(existsSync(join(ARTIFACTS, 'login.png'))).toBe(true);
  });

  it('the authorization response reached the loopback redirect URI with code, state and iss', () => {
    const response = provider.authorizationResponses[0]!;
    expect(`${response.origin}${response.pathname}`).toBe(loopback.redirectUri);
    expect(response.searchParams.get('code')).toBeTruthy();
    expect(response.searchParams.get('state')).toBeTruthy();
    expect(response.searchParams.get('iss')).toBe(stack.urls.issuer);
  });
});
