import { HttpBrowser, authorizeInBrowser, pkce } from '@mcp-cognito/dev-stack';
import { GATEWAY_SIGN_OUT_PATHS } from '@mcp-cognito/routing';
import { GatewayHarness, ALICE } from './support/harness';
import { authorizationUrl, CLIENT_REDIRECT, register, type RegisteredClient } from './support/mcp-client';

/**
 * Sign-out that reaches Cognito. The hosted UI keeps its own session cookie (one hour): unless the browser goes
 * through Cognito's /logout (https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html), the
 * next authorization signs the same person in without asking.
 */
describe('sign-out goes through Cognito /logout to the registered logout URL, which the gateway serves', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;
  beforeAll(async () => {
    h = await GatewayHarness.start();
    client = await register(h.url);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const authorize = (browser: HttpBrowser) => {
    const { challenge } = pkce();
    const url = authorizationUrl(h.url, {
      client_id: client.client_id,
      redirect_uri: CLIENT_REDIRECT,
      response_type: 'code',
      state: 's',
      scope: 'mcp-server/read',
      resource: h.resource,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return authorizeInBrowser(browser, url, CLIENT_REDIRECT, ALICE);
  };

  it('without sign-out, the next authorization is silent (the Cognito session and remembered consent carry it)', async () => {
    const browser = new HttpBrowser();
    expect((await authorize(browser)).loginHtml).toBeDefined();
    const again = await authorize(browser);
    expect(again.loginHtml).toBeUndefined();
    expect(again.redirect.searchParams.get('code')).toBeTruthy();
  });

  it('after sign-out, the next authorization asks for consent and shows the Cognito login again', async () => {
    const browser = new HttpBrowser();
    expect((await authorize(browser)).loginHtml).toBeDefined();

    const start = await browser.get(`${h.url}${GATEWAY_SIGN_OUT_PATHS.signOut}`);
    expect(start.status).toBe(302);
    expect(start.headers.get('cache-control')).toBe('no-store');
    const logout = new URL(start.headers.get('location')!);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${h.idp.baseUrl}/logout`);
    expect(Object.fromEntries(logout.searchParams)).toEqual({
      client_id: h.env['COGNITO_CLIENT_ID'],
      logout_uri: `${h.issuer}${GATEWAY_SIGN_OUT_PATHS.signedOut}`,
    });
    // The gateway's own cookies for this browser are gone too.
    expect(start.headers.getSetCookie().some((c) => /^mcp-consent=;/.test(c))).toBe(true);

    const step = await browser.follow(start, `${h.url}${GATEWAY_SIGN_OUT_PATHS.signOut}`, () => false);
    expect(step.url).toBe(`${h.issuer}${GATEWAY_SIGN_OUT_PATHS.signedOut}`);
    expect(step.response.status).toBe(200);
    expect(step.response.headers.get('x-frame-options')).toBe('DENY');
    expect(await step.response.text()).toContain('You are signed out');

    const next = await authorize(browser);
    expect(next.consentHtml).toBeDefined();
    expect(next.loginHtml).toBeDefined();
    expect(next.redirect.searchParams.get('code')).toBeTruthy();
  });
});
