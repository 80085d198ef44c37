import { HttpBrowser, authorizeInBrowser, pkce } from '@mcp-cognito/dev-stack';
import { GatewayHarness, ALICE } from './support/harness';
import { authorizationUrl, CLIENT_REDIRECT, exchangeCode, register, tokenRequest } from './support/mcp-client';

/**
 * docs/architecture.md#invariants: no state in process memory that another instance would need. Two gateway instances
 * on different ports share one table and one issuer (as behind the ALB): each step of the flow may
 * land on either.
 */
describe('any step of the flow may hit any instance (docs/architecture.md#invariants)', () => {
  let h: GatewayHarness;

  beforeAll(async () => {
    h = await GatewayHarness.start({ instances: 2 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('registers on A, authorizes on A, handles the callback and the token request on B, refreshes on A', async () => {
    const [a, b] = h.instances;
    const client = await register(a!.url);
    const { verifier, challenge } = pkce();
    const url = authorizationUrl(a!.url, {
      client_id: client.client_id,
      redirect_uri: CLIENT_REDIRECT,
      response_type: 'code',
      state: 's1',
      scope: 'mcp-server/read',
      resource: h.resource,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const browser = new HttpBrowser();
    // Cognito redirects to the issuer's /callback; the "load balancer" sends that request to B.
    const original = browser.get.bind(browser);
    const seen: string[] = [];
    browser.get = (target: string) => {
      const u = new URL(target);
      if (u.pathname === '/callback') u.port = new URL(b!.url).port;
      seen.push(`${u.port}${u.pathname}`);
      return original(u.toString());
    };
    const result = await authorizeInBrowser(browser, url, CLIENT_REDIRECT, ALICE);
    expect(seen).toContain(`${new URL(b!.url).port}/callback`);
    const code = result.redirect.searchParams.get('code')!;
    expect(result.redirect.searchParams.get('iss')).toBe(h.issuer);

    const token = await exchangeCode(b!.url, client, { code, verifier, state: 's1', iss: h.issuer, browser }, h.resource);
    expect(token.status).toBe(200);
    const refreshed = await tokenRequest(a!.url, {
      grant_type: 'refresh_token',
      refresh_token: token.body['refresh_token'] as string,
      client_id: client.client_id,
    });
    expect(refreshed.status).toBe(200);
    // Both instances publish the same issuer and keys.
    const [ma, mb] = await Promise.all([a, b].map(async (i) => (await fetch(`${i!.url}/.well-known/oauth-authorization-server`)).json()));
    expect(ma).toEqual(mb);
  });
});
