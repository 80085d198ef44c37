import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseMcpServerManifest } from '@mcp-cognito/contracts';
import { McpServerTestHarness, TEST_USERS, resultJson, resultText } from '@mcp-cognito/mcp-server-kit/testing';
import manifestJson from '../mcp-server.json';
import { SCOPES } from '../src/scopes';
import { CLOCK_SERVER } from '../src/server';

const manifest = parseMcpServerManifest(manifestJson);

describe('clock: its tools over real HTTP with the real MCP SDK client', () => {
  let h: McpServerTestHarness;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;

  beforeAll(async () => {
    h = await McpServerTestHarness.start(manifest, CLOCK_SERVER);
    client = await h.client(await h.mint(TEST_USERS.alice));
  });
  afterAll(async () => {
    await client?.close();
    await h?.stop();
  });

  it('every scope a tool names is declared in mcp-server.json (the gateway grants only those)', () => {
    expect(Object.keys(manifest.scopes)).toEqual(expect.arrayContaining(Object.values(SCOPES)));
    expect(manifest.path).toBe('/clock/mcp');
  });

  it('tools/list lists the three tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['time_now', 'time_convert', 'business_days_between']);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  describe('time_now', () => {
    it('answers the current time in the zone, with its offset', async () => {
      const before = Math.floor(Date.now() / 1000);
      const now = resultJson<{ timeZone: string; iso: string; utcOffset: string; epochSeconds: number }>(await call('time_now', { timeZone: 'Asia/Kolkata' }));
      expect(now).toMatchObject({ timeZone: 'Asia/Kolkata', utcOffset: '+05:30' });
      expect(now.iso).toMatch(/\+05:30$/);
      expect(Math.abs(now.epochSeconds - before)).toBeLessThanOrEqual(5);
    });

    it('an unknown zone is invalid input (an error result naming the rule), not UTC', async () => {
      const result = await call('time_now', { timeZone: 'Mars/Olympus_Mons' });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain('IANA time zone');
    });
  });

  describe('time_convert', () => {
    it('converts a wall time between zones (winter: New York is UTC-5, Berlin UTC+1)', async () => {
      const r = resultJson<{ from: { iso: string }; to: { iso: string; localDateTime: string }; ambiguous: boolean; utc: string }>(
        await call('time_convert', { dateTime: '2026-01-15T09:30', from: 'America/New_York', to: 'Europe/Berlin' }),
      );
      expect(r.from.iso).toBe('2026-01-15T09:30:00-05:00');
      expect(r.to.localDateTime).toBe('2026-01-15T15:30:00');
      expect(r.utc).toBe('2026-01-15T14:30:00Z');
      expect(r.ambiguous).toBe(false);
    });

    it('a time skipped by a spring-forward does not exist: an error, never a silently shifted time', async () => {
      const result = await call('time_convert', { dateTime: '2026-03-29T02:30', from: 'Europe/Berlin', to: 'UTC' });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain('does not exist in Europe/Berlin');
    });

    it('a time that exists twice (fall-back) takes the earlier instant and says it is ambiguous', async () => {
      const r = resultJson<{ utc: string; ambiguous: boolean }>(await call('time_convert', { dateTime: '2026-10-25T02:30', from: 'Europe/Berlin', to: 'UTC' }));
      expect(r).toEqual(expect.objectContaining({ utc: '2026-10-25T00:30:00Z', ambiguous: true }));
    });

    it('a date-time with an offset is invalid input (the zone is its own argument)', async () => {
      const result = await call('time_convert', { dateTime: '2026-01-15T09:30+01:00', from: 'UTC', to: 'UTC' });
      expect(result.isError).toBe(true);
    });
  });

  describe('business_days_between', () => {
    it('counts Monday to Friday from start (counted) to end (not counted), minus holidays', async () => {
      const r = resultJson(await call('business_days_between', { start: '2026-12-21', end: '2026-12-28', holidays: ['2026-12-25'] }));
      expect(r).toEqual({ start: '2026-12-21', end: '2026-12-28', businessDays: 4, calendarDays: 7 });
    });

    it('an impossible date is an error result', async () => {
      const result = await call('business_days_between', { start: '2026-02-30', end: '2026-03-02' });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain('not a calendar date');
    });

    it('spans beyond a hundred years are refused (bounded work per call)', async () => {
      const result = await call('business_days_between', { start: '1900-01-01', end: '2100-01-01' });
      expect(result.isError).toBe(true);
    });
  });

  describe('the gate in front of the tools (the kit, at /clock/mcp)', () => {
    it('RFC 9728 §3.1: the Protected Resource Metadata is at /.well-known/oauth-protected-resource/clock/mcp', async () => {
      expect(h.resourceMetadataUrl).toBe(`${h.url}/.well-known/oauth-protected-resource/clock/mcp`);
      const res = await fetch(h.resourceMetadataUrl);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ resource: `${h.url}/clock/mcp`, scopes_supported: ['clock/read'], resource_name: 'Clock and calendar' });
      // The bare well-known URL belongs to the server at /mcp (mcp-tools), not to this one.
      expect((await fetch(`${h.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
    });

    it('RFC 6750 §3: no token is 401 with a challenge naming the metadata and clock/read', async () => {
      const res = await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${h.resourceMetadataUrl}"`);
      expect(res.headers.get('www-authenticate')).toContain('clock/read');
    });

    it('RFC 8707: a token for mcp-tools (another audience, its scopes) is 401 invalid_token here', async () => {
      const token = await h.mint(TEST_USERS.alice, { audience: `${h.url}/mcp`, scope: 'mcp-server/read mcp-server/write' });
      const res = await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('MCP step-up: mcp-tools scopes on a clock token do not open clock tools (403 insufficient_scope)', async () => {
      const token = await h.mint(TEST_USERS.alice, { scope: 'mcp-server/read' });
      const res = await h.post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'time_now', arguments: { timeZone: 'UTC' } } }, token);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(res.headers.get('www-authenticate')).toContain('scope="clock/read"');
    });

    it('stateless: /health answers without any table', async () => {
      const res = await fetch(`${h.url}/health`);
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).not.toContain('dynamodb');
    });
  });
});
