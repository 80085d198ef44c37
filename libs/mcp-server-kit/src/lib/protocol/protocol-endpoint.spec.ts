import { z } from 'zod';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Principal } from '@mcp-cognito/tokens';
import { defineResource } from '../definitions/resource-definition';
import { defineTool, jsonResult } from '../definitions/tool-definition';
import { MAX_BATCH_REQUESTS } from './batches';
import { ProtocolEndpoint, type EndpointAnswer } from './protocol-endpoint';
import { buildMcpServer, type McpServerSpec } from './server-builder';

const MODERN = '2026-07-28';
const principal = (sub: string): Principal =>
  Object.freeze({ sub, username: sub, clientId: 'c', scopes: ['s/read'], groups: [], jti: `jti-${sub}`, issuedAt: 1_700_000_000, expiresAt: 4_102_444_800, audience: 'https://mcp.example.com/mcp' });
const auth = (sub = 'alice'): AuthInfo => ({ token: `jti-${sub}`, clientId: 'c', scopes: ['s/read'], extra: { principal: principal(sub) } });

let slowStarted = 0;
/** What the `late` tool saw when it first read its signal, after the deadline had passed. */
let lateSignal: { aborted: boolean; reason: unknown } | undefined;
const spec: McpServerSpec<{ greeting: string }> = {
  info: { name: 'kit-test', version: '1.2.3' },
  dependencies: { greeting: 'hello' },
  toolCallTimeoutMs: 300,
  tools: [
    defineTool({ name: 'whoami', title: 'Who', description: 'who', requiredScopes: [], inputSchema: z.strictObject({}), handler: async (_i, { principal: p, greeting }) => jsonResult({ sub: p.sub, greeting }) }),
    defineTool({
      name: 'slow',
      title: 'Slow',
      description: 'never finishes on its own',
      requiredScopes: [],
      inputSchema: z.strictObject({}),
      handler: (_i, { signal }) =>
        new Promise((_, reject) => {
          slowStarted++;
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    }),
    defineTool({
      name: 'late',
      title: 'Late',
      description: 'reads its signal only after the deadline',
      requiredScopes: [],
      inputSchema: z.strictObject({}),
      handler: async (_i, ctx) => {
        await new Promise((r) => setTimeout(r, 450));
        lateSignal = { aborted: ctx.signal.aborted, reason: ctx.signal.reason };
        return jsonResult({});
      },
    }),
    defineTool({ name: 'broken', title: 'Broken', description: 'throws', requiredScopes: [], inputSchema: z.strictObject({}), handler: async () => { throw new Error('secret internal detail'); } }),
  ],
  resources: [
    defineResource({
      name: 'item',
      title: 'Item',
      description: 'an item',
      mimeType: 'text/plain',
      uriTemplate: 'item://{id}',
      requiredScopes: [],
      cache: { ttlMs: 0, cacheScope: 'private' },
      list: async ({ principal: p }) => ({ resources: [{ uri: `item://${p.sub}`, name: p.sub }] }),
      read: async (uri) => ({ contents: [{ uri: uri.href, text: 'x' }] }),
    }),
  ],
  onToolFailure: () => undefined,
};

const envelope = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} };
function modern(method: string, params: Record<string, unknown> = {}, id: string | number = 1, headers: Record<string, string> = {}) {
  const name = typeof params['name'] === 'string' ? params['name'] : typeof params['uri'] === 'string' ? params['uri'] : undefined;
  return {
    body: { jsonrpc: '2.0', id, method, params: { ...params, _meta: envelope } },
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}), ...headers },
  };
}
function legacy(method: string, params: Record<string, unknown> = {}, id: string | number = 1, headers: Record<string, string> = {}) {
  return { body: { jsonrpc: '2.0', id, method, params }, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers } };
}

describe('one MCP endpoint, both protocol revisions (2025-11-25 and 2026-07-28) on the official v2 SDK', () => {
  let endpoint: ProtocolEndpoint;
  const gone: Array<() => void> = [];

  beforeAll(async () => {
    endpoint = new ProtocolEndpoint({ build: () => buildMcpServer(spec), url: 'https://mcp.example.com/mcp' });
    await endpoint.start();
  });
  afterAll(() => endpoint.close());

  const send = async (request: { body: unknown; headers: Record<string, string> }, who = 'alice', method = 'POST') => {
    const answer = await endpoint.handle({ method, headers: request.headers, body: request.body, authInfo: auth(who), onClientGone: (cb) => gone.push(cb) });
    return { ...answer, json: answer.body ? (JSON.parse(answer.body) as Record<string, any>) : undefined };
  };

  it('the long-lived server of each era passed its start-up self-check (the hot path is on)', () => {
    expect(endpoint.fastPaths).toEqual({ modern: true, legacy: true });
  });

  describe('MCP 2026-07-28', () => {
    it('tools/call: the caller reaches the tool; the result has resultType and the server identity in _meta; the id is echoed', async () => {
      const res = await send(modern('tools/call', { name: 'whoami', arguments: {} }, 'm-1'));
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ id: 'm-1', result: { resultType: 'complete', structuredContent: { sub: 'alice', greeting: 'hello' } } });
      expect(res.json?.['result']['_meta']['io.modelcontextprotocol/serverInfo']).toEqual({ name: 'kit-test', version: '1.2.3' });
    });

    it('server/discover names the supported version and the capabilities, with public cache hints', async () => {
      const res = await send(modern('server/discover'));
      expect(res.status).toBe(200);
      expect(res.json?.['result']).toMatchObject({ supportedVersions: expect.arrayContaining([MODERN]), capabilities: { tools: {} }, resultType: 'complete', cacheScope: 'public', ttlMs: 300_000 });
    });

    it('caching: tools/list is public for a while, resources/list (the caller\'s own items) is private and not kept', async () => {
      const tools = await send(modern('tools/list'));
      expect(tools.json?.['result']).toMatchObject({ cacheScope: 'public', ttlMs: 300_000 });
      expect(tools.json?.['result']['tools'].map((t: { name: string }) => t.name)).toEqual(['whoami', 'slow', 'late', 'broken']);
      const resources = await send(modern('resources/list'));
      expect(resources.json?.['result']).toMatchObject({ cacheScope: 'private', ttlMs: 0, resources: [{ uri: 'item://alice' }] });
      const read = await send(modern('resources/read', { uri: 'item://a' }));
      expect(read.json?.['result']).toMatchObject({ cacheScope: 'private', ttlMs: 0, contents: [{ uri: 'item://a', text: 'x' }] });
    });

    it.each([
      ['MCP-Protocol-Version missing', { 'mcp-protocol-version': undefined }],
      ['Mcp-Method missing', { 'mcp-method': undefined }],
      ['Mcp-Name missing', { 'mcp-name': undefined }],
      ['Mcp-Method not the body\'s method', { 'mcp-method': 'tools/list' }],
      ['Mcp-Name not the body\'s name', { 'mcp-name': 'slow' }],
      ['MCP-Protocol-Version not the envelope\'s', { 'mcp-protocol-version': '2025-11-25' }],
    ])('%s: 400 with JSON-RPC -32020 (header mismatch), echoing the request id', async (_name, change) => {
      const request = modern('tools/call', { name: 'whoami', arguments: {} }, 'hdr');
      const headers = Object.fromEntries(Object.entries({ ...request.headers, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const res = await send({ body: request.body, headers });
      expect(res.status).toBe(400);
      expect(res.json?.['error']['code']).toBe(-32020);
      expect(res.json?.['id']).toBe('hdr');
    });

    it('Mcp-Name in its =?base64?...?= form, with surrounding whitespace, is decoded and accepted', async () => {
      const request = modern('tools/call', { name: 'whoami', arguments: {} });
      const res = await send({ body: request.body, headers: { ...request.headers, 'mcp-name': `  =?base64?${Buffer.from('whoami').toString('base64')}?=\t` } });
      expect(res.status).toBe(200);
      expect(res.json?.['result']['structuredContent']['sub']).toBe('alice');
    });

    it('an unsupported revision in _meta: 400, -32022, with the supported versions', async () => {
      const request = modern('tools/list');
      const body = { ...request.body, params: { _meta: { ...envelope, 'io.modelcontextprotocol/protocolVersion': '2027-01-01' } } };
      const res = await send({ body, headers: { ...request.headers, 'mcp-protocol-version': '2027-01-01' } });
      expect(res.status).toBe(400);
      expect(res.json?.['error']).toMatchObject({ code: -32022, data: { supported: [MODERN], requested: '2027-01-01' } });
    });

    it('an envelope without clientCapabilities: 400, -32602', async () => {
      const request = modern('tools/list', {}, 'env');
      const body = { ...request.body, params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } } };
      const res = await send({ body, headers: request.headers });
      expect(res.status).toBe(400);
      expect(res.json?.['error']['code']).toBe(-32602);
    });

    it.each(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'no/such/method'])('%s (removed or unknown): 404, -32601, the id echoed', async (method) => {
      const res = await send(modern(method, {}, `rm-${method}`));
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ id: `rm-${method}`, error: { code: -32601 } });
    });

    it('one message per POST: a batch with a 2026-07-28 message is 400, -32600', async () => {
      const request = modern('tools/list');
      const res = await send({ body: [request.body, request.body], headers: request.headers });
      expect(res.status).toBe(400);
      expect(res.json?.['error']['code']).toBe(-32600);
    });

    it('a notification is accepted with 202 and no body', async () => {
      const request = modern('notifications/cancelled');
      const res = await send({ body: { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, _meta: envelope } }, headers: request.headers });
      expect(res.status).toBe(202);
      expect(res.body).toBeUndefined();
    });
  });

  describe('MCP 2025-11-25 (and older)', () => {
    it('initialize is answered as JSON by the SDK, with the server identity and no session', async () => {
      const res = await send(legacy('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } }));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['mcp-session-id']).toBeUndefined();
      expect(res.json?.['result']).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: 'kit-test', version: '1.2.3' } });
    });

    it('tools/call: the caller reaches the tool; no 2026 fields in the answer', async () => {
      const res = await send(legacy('tools/call', { name: 'whoami', arguments: {} }, 7), 'bob');
      expect(res.json).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: '{"sub":"bob","greeting":"hello"}' }], structuredContent: { sub: 'bob', greeting: 'hello' } } });
    });

    it('ping works (it exists until 2026-07-28)', async () => {
      expect((await send(legacy('ping'))).json).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    });

    it('an unsupported MCP-Protocol-Version header: 400 from the SDK', async () => {
      const res = await send(legacy('tools/list', {}, 1, { 'mcp-protocol-version': '1999-01-01' }));
      expect(res.status).toBe(400);
    });

    it('a client that does not accept both JSON and SSE: 406', async () => {
      expect((await send(legacy('tools/list', {}, 1, { accept: 'application/json' }))).status).toBe(406);
    });
  });

  describe('bounded requests (MCP removed batches in 2025-06-18)', () => {
    it('a batch from a 2025-06-18 or later client is refused: 400, -32600', async () => {
      for (const version of ['2025-06-18', '2025-11-25']) {
        const res = await send({ body: [legacy('ping').body, legacy('ping', {}, 2).body], headers: legacy('ping', {}, 1, { 'mcp-protocol-version': version }).headers });
        expect([version, res.status, res.json?.['error']['code']]).toEqual([version, 400, -32600]);
      }
    });

    it(`a 2025-03-26 batch is served up to ${MAX_BATCH_REQUESTS} requests, every answer under its own id, in order`, async () => {
      const headers = legacy('ping', {}, 1, { 'mcp-protocol-version': '2025-03-26' }).headers;
      const ok = await send({ body: Array.from({ length: MAX_BATCH_REQUESTS }, (_, i) => legacy('tools/call', { name: 'whoami', arguments: {} }, `b${i}`).body), headers });
      expect(ok.status).toBe(200);
      expect((ok.json as unknown as Array<{ id: string }>).map((r) => r.id)).toEqual(['b0', 'b1', 'b2', 'b3']);
      const tooMany = await send({ body: Array.from({ length: MAX_BATCH_REQUESTS + 1 }, (_, i) => legacy('ping', {}, i).body), headers });
      expect(tooMany.status).toBe(400);
    });
  });

  describe('deadlines and cancellation', () => {
    it.each([
      ['2026-07-28', () => modern('tools/call', { name: 'slow', arguments: {} }, 'slow-1')],
      ['2025-11-25', () => legacy('tools/call', { name: 'slow', arguments: {} }, 'slow-1')],
    ])('%s: a tool past TOOL_CALL_TIMEOUT_MS ends with a tool error saying so, and its signal is aborted', async (_era, request) => {
      const started = Date.now();
      const res = await send(request());
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ id: 'slow-1', result: { isError: true, content: [{ type: 'text', text: 'slow did not finish within 300 ms; try again later' }] } });
      expect(endpoint.inFlight).toBe(0);
    });

    it('a handler that reads its signal only after the deadline gets it already aborted, with the deadline as reason', async () => {
      lateSignal = undefined;
      const res = await send(legacy('tools/call', { name: 'late', arguments: {} }, 'late-1'));
      expect(res.json).toMatchObject({ id: 'late-1', result: { isError: true, content: [{ type: 'text', text: 'late did not finish within 300 ms; try again later' }] } });
      // The handler reads its signal 150 ms after the deadline answered.
      const readLate = (): typeof lateSignal => lateSignal;
      let seen = readLate();
      while (seen === undefined) {
        await new Promise((r) => setTimeout(r, 10));
        seen = readLate();
      }
      expect(seen.aborted).toBe(true);
      expect(String(seen.reason)).toContain('late did not finish within 300 ms');
    });

    it('a client that goes away cancels its call (the handler signal is aborted), and nothing is left in flight', async () => {
      const before = slowStarted;
      const pending = send(modern('tools/call', { name: 'slow', arguments: {} }, 'bye'));
      while (slowStarted === before) await new Promise((r) => setTimeout(r, 5));
      expect(endpoint.inFlight).toBe(1);
      gone.splice(0).forEach((cb) => cb());
      await pending.catch(() => undefined);
      expect(endpoint.inFlight).toBe(0);
    });

    it('a tool that throws is a tool error without the internal detail', async () => {
      const res = await send(legacy('tools/call', { name: 'broken', arguments: {} }));
      expect(res.json?.['result']).toEqual({ content: [{ type: 'text', text: 'broken failed; try again later' }], isError: true });
    });
  });

  it('the hot path answers exactly as the SDK\'s own per-request serving does (same requests through both)', async () => {
    const sdkOnly = new ProtocolEndpoint({ build: () => buildMcpServer(spec), url: 'https://mcp.example.com/mcp' }); // never started: no hot path
    const requests = [
      modern('tools/call', { name: 'whoami', arguments: {} }, 'd1'),
      modern('tools/list', {}, 'd2'),
      modern('resources/read', { uri: 'item://z' }, 'd3'),
      modern('server/discover', {}, 'd4'),
      legacy('tools/call', { name: 'whoami', arguments: {} }, 'd5'),
      legacy('tools/list', {}, 'd6'),
      legacy('resources/templates/list', {}, 'd7'),
    ];
    try {
      for (const request of requests) {
        const fast = await send(request);
        const reference = await sdkOnly.handle({ method: 'POST', headers: request.headers, body: request.body, authInfo: auth(), onClientGone: () => undefined });
        expect([request.body.method, fast.status, fast.json]).toEqual([request.body.method, reference.status, JSON.parse(reference.body ?? 'null')]);
      }
    } finally {
      await sdkOnly.close();
    }
  });

  it('two callers with the same JSON-RPC id, in both eras, concurrently: each gets its own answer', async () => {
    const calls = Array.from({ length: 40 }, (_, i) => ({ who: i % 2 ? 'alice' : 'bob', request: i % 4 < 2 ? modern('tools/call', { name: 'whoami', arguments: {} }, 1) : legacy('tools/call', { name: 'whoami', arguments: {} }, 1) }));
    const answers = await Promise.all(calls.map(({ who, request }) => send(request, who).then((a: EndpointAnswer & { json?: Record<string, any> }) => ({ who, a }))));
    for (const { who, a } of answers) expect([a.json?.['id'], a.json?.['result']['structuredContent']['sub']]).toEqual([1, who]);
    expect(endpoint.inFlight).toBe(0);
  });
});
