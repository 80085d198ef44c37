import type { LocalStack } from '@mcp-cognito/dev-stack';
import { McpSession } from './support/mcp-session';
import { headlessClient, startE2eStack } from './support/e2e-stack';

/**
 * Many MCP servers behind one gateway and one origin (docs/architecture.md#mcp-server-registry): the second server
 * (apps/clock, made with the generator) is reached by the MCP SDK's own client from nothing but its URL - its 401,
 * its path-suffixed Protected Resource Metadata (RFC 9728 §3.1), the gateway's consent naming it, its own scope - and
 * a token for one server is refused by the other (RFC 8707 audience).
 */
describe('a second MCP server (/clock/mcp) behind the same gateway and origin', () => {
  let stack: LocalStack;
  let clock: McpSession | undefined;

  beforeAll(async () => {
    stack = await startE2eStack({ singleOrigin: true });
  }, 120_000);

  afterAll(async () => {
    await clock?.close();
    await stack?.stop();
  });

  const clockUrl = () => `${stack.urls.proxy}/clock/mcp`;

  it('the SDK client completes OAuth against /clock/mcp and calls its tools with clock/read only', async () => {
    const c = await headlessClient(stack, 'e2e clock agent');
    clock = await McpSession.connect(clockUrl(), c.provider, 'v1');
    const first = clock.log[0];
    expect(`${first?.method} ${first?.url.href} ${first?.status}`).toBe(`POST ${clockUrl()} 401`);
    expect(first?.wwwAuthenticate).toContain(`resource_metadata="${stack.urls.proxy}/.well-known/oauth-protected-resource/clock/mcp"`);
    const request = c.provider.authorizationUrls[0];
    expect(request?.searchParams.get('resource')).toBe(clockUrl());
    expect(request?.searchParams.get('scope')).toBe('clock/read');
    expect(c.pages[0]?.consentHtml).toContain('Clock and calendar');
    const { tools } = await clock.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['time_now', 'time_convert', 'business_days_between']);
    const result = (await clock.client.callTool({ name: 'time_now', arguments: { timeZone: 'Europe/Berlin' } })) as { isError?: boolean };
    expect(result.isError).toBeFalsy();
  });

  it('the clock token is refused at /mcp (mcp-tools): 401 invalid_token', async () => {
    const token = clock?.provider.tokens()?.access_token;
    expect(token).toEqual(expect.any(String));
    const res = await fetch(stack.urls.mcp, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
