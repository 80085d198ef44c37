import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { LocalStack } from '@mcp-cognito/dev-stack';
import { McpSession, type ClientSdk } from './support/mcp-session';
import { ACCESS_TOKEN_SECONDS, ALICE, headlessClient, missingStep, READ, startE2eStack, waitUntilExpired, WRITE, type HeadlessClient } from './support/e2e-stack';

interface WhoAmI {
  sub: string;
  username: string;
  client_id: string;
  scopes: string[];
  expires_at: number;
}

/**
 * The whole MCP authorization flow (docs/architecture.md#the-flow) with the MCP SDK's own client auth
 * (`OAuthClientProvider`, `StreamableHTTPClientTransport` + `authProvider`, `auth()`, `finishAuth`),
 * against the full local stack, in both topologies: each service on its own origin, and one origin
 * in front of both (as behind CloudFront). The browser leg is driven over HTTP (consent + login forms).
 */
describe.each<[string, boolean, ClientSdk]>([
  ['v1 SDK client (2025-11-25 handshake), separate origins (gateway and tools on their own ports)', false, 'v1'],
  ['v1 SDK client (2025-11-25 handshake), single origin (local proxy, path rules shared with infra)', true, 'v1'],
  ['v2 SDK client pinned to MCP 2026-07-28, single origin', true, 'v2-modern'],
  ['v2 SDK client negotiating (auto: 2026-07-28 when offered), separate origins', false, 'v2-auto'],
])('%s', (_label, singleOrigin, sdk) => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startE2eStack({ singleOrigin });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('one issuer string everywhere: PRM authorization_servers, AS metadata issuer; the topology is the one asked for', async () => {
    const prm = (await (await fetch(`${new URL(stack.urls.mcp).origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toBe(stack.urls.mcp);
    expect(prm.authorization_servers).toEqual([stack.urls.issuer]);
    const metadata = (await (await fetch(`${stack.urls.issuer}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    expect(metadata.issuer).toBe(stack.urls.issuer);
    if (singleOrigin) {
      expect(new URL(stack.urls.mcp).origin).toBe(stack.urls.issuer);
      expect(stack.urls.issuer).toBe(stack.urls.proxy);
    } else {
      expect(new URL(stack.urls.mcp).origin).not.toBe(stack.urls.issuer);
      expect(stack.urls.proxy).toBeUndefined();
    }
  });

  describe('a client that starts from nothing but the MCP URL', () => {
    let c: HeadlessClient;
    let session: McpSession;

    afterAll(async () => {
      await session?.close();
    });

    it('401 -> PRM -> AS metadata -> /register -> consent + login -> /token -> connected', async () => {
      c = await headlessClient(stack, 'e2e headless agent');
      session = await McpSession.connect(stack.urls.mcp, c.provider, sdk);
      expect(session.client.getNegotiatedProtocolVersion?.() ?? '2025-11-25').toBe(sdk === 'v1' ? '2025-11-25' : '2026-07-28');
      const trace = session.trace();

      // The very first request is the unauthenticated MCP call, answered with the RFC 9728 pointer.
      const first = session.log[0]!;
      expect(`${first.method} ${first.url.href} ${first.status}`).toBe(`POST ${stack.urls.mcp} 401`);
      expect(first.wwwAuthenticate).toContain(`resource_metadata="${new URL(stack.urls.mcp).origin}/.well-known/oauth-protected-resource/mcp"`);
      expect(
        missingStep(trace, [
          /^POST \/mcp 401$/,
          /^GET \/\.well-known\/oauth-protected-resource\/mcp 200$/,
          /^GET \/\.well-known\/oauth-authorization-server 200$/,
          /^POST \/register 201$/,
          /^POST \/token 200 authorization_code$/,
          /^POST \/mcp 200$/,
        ]),
      ).toBeUndefined();
      expect(trace.filter((l) => l.startsWith('POST /register'))).toHaveLength(1);
      expect(session.authorizations).toBe(1);

      // Where each request went: one origin, or /mcp + PRM at the tools and the rest at the gateway.
      for (const r of session.log) {
        const toTools = r.url.pathname.startsWith('/mcp') || r.url.pathname.startsWith('/.well-known/oauth-protected-resource');
        expect(`${r.url.pathname} -> ${r.url.origin}`).toBe(`${r.url.pathname} -> ${toTools ? new URL(stack.urls.mcp).origin : stack.urls.issuer}`);
      }

      // The authorization request the SDK built: PKCE S256, the resource indicator, the challenge's scopes.
      const request = c.provider.authorizationUrls[0]!;
      expect(`${request.origin}${request.pathname}`).toBe(`${stack.urls.issuer}/authorize`);
      expect(request.searchParams.get('code_challenge_method')).toBe('S256');
      expect(request.searchParams.get('resource')).toBe(stack.urls.mcp);
      expect(request.searchParams.get('redirect_uri')).toBe(c.redirectUri);
      expect(request.searchParams.get('scope')?.split(' ').sort()).toEqual([READ, WRITE]);

      // The authorization response (RFC 9207 iss checked by the provider as well).
      expect(c.provider.authorizationResponses[0]!.searchParams.get('iss')).toBe(stack.urls.issuer);

      // The user saw the gateway's consent page, then local-idp's login page.
      const page = c.pages[0]!;
      expect(page.consentHtml).toContain('e2e headless agent');
      expect(page.consentHtml).toContain(READ);
      expect(page.consentHtml).toContain(WRITE);
      expect(page.consentHeaders?.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.loginHtml).toMatch(/type="password"/);
    });

    it('lists the tools', async () => {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['notes_create', 'notes_delete', 'notes_get', 'notes_list', 'whoami']);
    });

    it('RFC 9112 §9.6: 50 bodies over the MCP endpoint\'s 1 MiB limit, 5 at a time, all get the service\'s own 413 (through the proxy too): no reset eats the answer', async () => {
      // The service answers before it has read the body. Had it closed at once, TCP would reset the connection while
      // the sender was still writing, and the sender (the local proxy, an ALB, a client) could lose the answer: the
      // proxy then had nothing to pass on but 502, a client straight at the service got EPIPE. One request rarely
      // showed it; 50 did, in two of the four topologies (2 x 502, 1 x EPIPE) before the service read the rest.
      const oversized = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes_create', arguments: { title: 'x', body: 'y'.repeat(2_000_000) } } });
      // The access token lives 5 s: one refresh at a time (concurrent refreshes would replay the refresh token).
      let refreshing: Promise<unknown> | undefined;
      const refresh = () => (refreshing ??= auth(c.provider, { serverUrl: stack.urls.mcp }).finally(() => (refreshing = undefined)));
      const post = async (): Promise<number> => {
        for (let attempt = 0; ; attempt++) {
          await refreshing;
          const res = await fetch(stack.urls.mcp, {
            method: 'POST',
            headers: { authorization: `Bearer ${c.provider.tokens()!.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            body: oversized,
          });
          if (res.status === 413) expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringContaining('Payload Too Large') } });
          else await res.body?.cancel();
          // The token ran out on the way (the gate answers 401 before the body, as the 413 is): refresh, send again.
          if (res.status !== 401 || attempt === 3) return res.status;
          await refresh();
        }
      };
      const statuses: number[] = [];
      for (let batch = 0; batch < 10; batch++) statuses.push(...(await Promise.all(Array.from({ length: 5 }, post))));
      expect(statuses).toEqual(Array.from({ length: 50 }, () => 413));
    });

    it('whoami: the signed-in user, the registered client, both scopes', async () => {
      const me = await session.callJson<WhoAmI>('whoami');
      expect(me.username).toBe(ALICE.username);
      expect(me.client_id).toBe(c.provider.clientInformation()?.client_id);
      expect([...me.scopes].sort()).toEqual([READ, WRITE]);
      // The gateway capped its token at the embedded Cognito token's lifetime.
      expect(me.expires_at - Date.now() / 1000).toBeLessThanOrEqual(ACCESS_TOKEN_SECONDS + 1);
    });

    it('notes_create -> notes_list -> notes_get -> notes_delete', async () => {
      const title = `e2e note ${Date.now()}`;
      const created = await session.callJson<{ id: string; title: string }>('notes_create', { title, body: 'written by the MCP SDK client' });
      expect(created.title).toBe(title);
      const list = await session.callJson<{ notes: Array<{ id: string; title: string }> }>('notes_list', {});
      expect(list.notes.map((n) => n.id)).toContain(created.id);
      const note = await session.callJson<{ id: string; body: string }>('notes_get', { id: created.id });
      expect(note.body).toBe('written by the MCP SDK client');
      expect(await session.callJson('notes_delete', { id: created.id })).toEqual({ id: created.id, deleted: true });
      const gone = await session.callTool('notes_get', { id: created.id });
      expect(gone.isError).toBe(true);
    });

    it('when the access token expires: 401 -> refresh_token grant (rotated) -> the call succeeds, no new authorization', async () => {
      const before = await session.callJson<WhoAmI>('whoami');
      const tokensBefore = c.provider.tokens()!;
      await waitUntilExpired(before.expires_at);
      const mark = session.log.length;

      const after = await session.callJson<WhoAmI>('whoami');

      expect(missingStep(session.trace(mark), [/^POST \/mcp 401$/, /^POST \/token 200 refresh_token$/, /^POST \/mcp 200$/])).toBeUndefined();
      expect(session.log[mark]!.wwwAuthenticate).toContain('error="invalid_token"');
      expect(session.authorizations).toBe(1);
      expect(after.expires_at).toBeGreaterThan(before.expires_at);
      expect(after.sub).toBe(before.sub);
      const tokensAfter = c.provider.tokens()!;
      expect(tokensAfter.access_token).not.toBe(tokensBefore.access_token);
      expect(tokensAfter.refresh_token).toBeTruthy();
      expect(tokensAfter.refresh_token).not.toBe(tokensBefore.refresh_token); // public client: rotated
      // And the refreshed session keeps working for writes too.
      const note = await session.callJson<{ id: string }>('notes_create', { title: 'after refresh', body: '' });
      await session.callJson('notes_delete', { id: note.id });
    });
  });

  describe('step-up: a client that first asks for mcp-server/read only', () => {
    let c: HeadlessClient;
    let session: McpSession;

    afterAll(async () => {
      await session?.close();
    });

    it('auth() registers the client, authorizes mcp-server/read only; the code is redeemed: a read-only token', async () => {
      c = await headlessClient(stack, 'e2e least-privilege agent', { initialScope: READ });
      const serverUrl = stack.urls.mcp;
      expect(await auth(c.provider, { serverUrl })).toBe('REDIRECT');
      expect(c.provider.authorizationUrls[0]!.searchParams.get('scope')).toBe(READ);
      expect(c.pages[0]!.consentHtml).toContain(READ);
      expect(c.pages[0]!.consentHtml).not.toContain(WRITE);
      expect(await auth(c.provider, { serverUrl, authorizationCode: c.provider.takeCode() })).toBe('AUTHORIZED');
      expect(c.provider.grantedScopes()).toEqual([READ]);

      session = await McpSession.connect(stack.urls.mcp, c.provider, sdk);
      expect(session.authorizations).toBe(0); // the token was already there
      const me = await session.callJson<WhoAmI>('whoami');
      expect(me.scopes).toEqual([READ]);
      expect((await session.callJson<{ notes: unknown[] }>('notes_list', {})).notes).toBeDefined();
    });

    it('notes_create -> 403 insufficient_scope -> a new authorization for the larger scope -> the call succeeds', async () => {
      const mark = session.log.length;
      const refreshTokenBefore = c.provider.tokens()!.refresh_token;

      const created = await session.callJson<{ id: string; title: string }>('notes_create', { title: 'after step-up', body: 'needs write' });

      expect(created.title).toBe('after step-up');
      const trace = session.trace(mark);
      expect(missingStep(trace, [/^POST \/mcp 403$/, /^POST \/token 200 authorization_code$/, /^POST \/mcp 200$/])).toBeUndefined();
      // A refresh cannot widen a grant: the provider withheld the refresh token, so none was tried.
      expect(trace.filter((l) => l.endsWith('refresh_token'))).toEqual([]);
      const challenge = session.log[mark]!.wwwAuthenticate!;
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain(`scope="${WRITE}"`);
      expect(session.authorizations).toBe(1);

      // The second authorization asked for read + write and showed the consent page again for the new
      // scope (a remembered approval of `read` does not cover `write`).
      const second = c.provider.authorizationUrls[1]!;
      expect(second.searchParams.get('scope')?.split(' ').sort()).toEqual([READ, WRITE]);
      expect(c.pages[1]!.consentHtml).toContain(WRITE);

      const me = await session.callJson<WhoAmI>('whoami');
      expect([...me.scopes].sort()).toEqual([READ, WRITE]);
      expect(c.provider.tokens()!.refresh_token).not.toBe(refreshTokenBefore);
      // Reads still work after the step-up, and the write can be undone.
      expect((await session.callJson<{ notes: Array<{ id: string }> }>('notes_list', {})).notes.map((n) => n.id)).toContain(created.id);
      await session.callJson('notes_delete', { id: created.id });
      expect(session.authorizations).toBe(1);
    });
  });
});
