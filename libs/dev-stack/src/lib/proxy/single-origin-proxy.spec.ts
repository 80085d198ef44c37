import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES } from '@mcp-cognito/routing';
import { startSingleOriginProxy, type SingleOriginProxy } from './single-origin-proxy';

/** A tiny upstream that echoes who answered, what it received, and can misbehave on demand. */
interface Echo {
  name: string;
  url: string;
  server: Server;
  received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }>;
  resetPosts?: boolean;
  close(): Promise<void>;
}

async function echo(name: string): Promise<Echo> {
  const e = { name, received: [] } as unknown as Echo;
  e.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      e.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (e.resetPosts && req.method === 'POST') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'a=1; Path=/; HttpOnly' });
      res.end(JSON.stringify({ from: name, method: req.method, url: req.url, host: req.headers.host, body }));
    });
  });
  await new Promise<void>((r) => e.server.listen(0, '127.0.0.1', () => r()));
  e.url = `http://127.0.0.1:${(e.server.address() as AddressInfo).port}`;
  e.close = () =>
    new Promise<void>((r) => {
      e.server.closeAllConnections();
      e.server.close(() => r());
    });
  return e;
}

describe('single-origin proxy: one origin in front of both services, routed by the shared path table', () => {
  let gw1: Echo, gw2: Echo, tools1: Echo, tools2: Echo;
  let proxy: SingleOriginProxy;
  const logs: string[] = [];

  beforeEach(async () => {
    [gw1, gw2, tools1, tools2] = await Promise.all([echo('gw1'), echo('gw2'), echo('tools1'), echo('tools2')]);
    logs.length = 0;
    proxy = await startSingleOriginProxy({
      upstreams: { 'auth-gateway': [gw1.url, gw2.url], 'mcp-tools': [tools1.url, tools2.url] },
      log: (l) => logs.push(l),
    });
  });

  afterEach(async () => {
    await proxy.stop();
    await Promise.all([gw1, gw2, tools1, tools2].map((e) => e.close().catch(() => undefined)));
  });

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${proxy.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: res.status === 200 ? (JSON.parse(text) as { from: string; host: string; body: string; url: string }) : undefined };
  };

  it('listens on loopback only', () => {
    expect(new URL(proxy.url).hostname).toBe('127.0.0.1');
  });

  it.each(ROUTES.flatMap((r) => r.paths.map((p) => [p, r.service] as const)))('%s goes to %s', async (pattern, service) => {
    const path = pattern.endsWith('*') ? `${pattern.slice(0, -1)}/x?y=1` : `${pattern}?q=1`;
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.json?.from).toMatch(service === 'auth-gateway' ? /^gw/ : /^tools/);
    expect(res.json?.url).toBe(path); // path and query unchanged
  });

  it.each(['/', '/health', '/health/ready', '/oauth2/authorize', '/admin', '/.well-known/security.txt', '/mc', '/tokenx'])(
    'an unrouted path (%s) answers 404 at the proxy and reaches no service',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect([gw1, gw2, tools1, tools2].every((e) => e.received.length === 0)).toBe(true);
    },
  );

  it('passes the Host header through unchanged (services build URLs from config) and adds X-Forwarded-*', async () => {
    const res = await get('/mcp');
    expect(res.json?.host).toBe(new URL(proxy.url).host);
    const seen = [...tools1.received, ...tools2.received][0]!;
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(proxy.url).host);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(res.headers.get('set-cookie')).toBe('a=1; Path=/; HttpOnly'); // cookies untouched
  });

  it('forwards request bodies byte for byte', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { x: 'é'.repeat(1000) } });
    const res = await get('/mcp', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.json?.body).toBe(body);
  });

  it('round-robins between the instances of each service and counts hits per instance', async () => {
    const from: string[] = [];
    for (let i = 0; i < 4; i++) from.push((await get('/token', { method: 'POST', body: 'a=b' })).json!.from);
    for (let i = 0; i < 4; i++) from.push((await get('/mcp', { method: 'POST', body: '{}' })).json!.from);
    expect(from).toEqual(['gw1', 'gw2', 'gw1', 'gw2', 'tools1', 'tools2', 'tools1', 'tools2']);
    expect(proxy.hits()).toEqual({ [gw1.url]: 2, [gw2.url]: 2, [tools1.url]: 2, [tools2.url]: 2 });
    proxy.resetHits();
    expect(Object.values(proxy.hits())).toEqual([0, 0, 0, 0]);
  });

  it('a stopped instance is marked down and every request, POST included, is sent to the other one', async () => {
    await gw1.close();
    const from: string[] = [];
    for (let i = 0; i < 4; i++) from.push((await get('/token', { method: 'POST', body: 'grant_type=x' })).json!.from);
    expect(from).toEqual(['gw2', 'gw2', 'gw2', 'gw2']);
    expect(gw2.received.map((r) => r.body)).toEqual(Array(4).fill('grant_type=x')); // the body survived the retry
    const state = proxy.upstreams('auth-gateway');
    expect(state.find((u) => u.url === gw1.url)).toMatchObject({ hits: 0, down: true });
    expect(state.find((u) => u.url === gw1.url)!.failures).toBeGreaterThanOrEqual(1);
    expect(logs.join('\n')).toContain('marked down');
  });

  it('answers 503 + Retry-After (not 502) when no instance of the service accepts connections, and recovers when one is back (addUpstream)', async () => {
    await Promise.all([tools1.close(), tools2.close()]);
    const gone = await get('/mcp', { method: 'POST', body: '{}' });
    expect(gone.status).toBe(503);
    expect(gone.headers.get('retry-after')).toBe('1');
    const fresh = await echo('tools3');
    try {
      proxy.addUpstream('mcp-tools', fresh.url);
      proxy.removeUpstream('mcp-tools', tools1.url);
      proxy.removeUpstream('mcp-tools', tools2.url);
      expect((await get('/mcp', { method: 'POST', body: '{}' })).json?.from).toBe('tools3');
    } finally {
      await fresh.close();
    }
  });

  it('never replays a POST that may have reached an instance (connection reset after sending): 502, the other instance sees nothing', async () => {
    gw1.resetPosts = true;
    gw2.resetPosts = true;
    const res = await get('/token', { method: 'POST', body: 'grant_type=authorization_code&code=once' });
    expect(res.status).toBe(502);
    expect(gw1.received.length + gw2.received.length).toBe(1);
  });

  it('retries an idempotent GET on the next instance after a reset', async () => {
    const resetting = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
    try {
      proxy.removeUpstream('auth-gateway', gw2.url);
      proxy.removeUpstream('auth-gateway', gw1.url);
      proxy.addUpstream('auth-gateway', url);
      proxy.addUpstream('auth-gateway', gw1.url);
      const res = await get('/.well-known/oauth-authorization-server');
      expect(res.json?.from).toBe('gw1');
    } finally {
      await new Promise<void>((r) => resetting.close(() => r()));
    }
  });
});

/** An upstream that answers before reading the request body, then closes the connection at once (leaving the body unread). */
async function earlyAnswerer(status: number, headers: Record<string, string>, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
    res.end(body, () => req.socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('RFC 9110 §15: the proxy passes every answer through whole, and says 503 (not 502) while a service is not there', () => {
  let proxy: SingleOriginProxy | undefined;
  const closers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    for (const close of closers.splice(0)) await close();
  });

  const bigBody = (bytes: number) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { pad: 'x'.repeat(bytes) } });

  it.each([
    [413, {}, '{"statusCode":413,"error":"Payload Too Large","message":"Request body is too large"}'],
    [401, { 'www-authenticate': 'Bearer resource_metadata="http://x/.well-known/oauth-protected-resource/mcp"' }, '{"error_description":"Bearer access token required"}'],
  ] as const)('an instance that answers %s before reading a 2 MB body and closes: the client gets that status, its headers and its body', async (status, headers, body) => {
    const upstream = await earlyAnswerer(status, headers, body);
    closers.push(upstream.close);
    proxy = await startSingleOriginProxy({ upstreams: { 'mcp-tools': [upstream.url] } });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${proxy.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bigBody(2_000_000) });
      expect(res.status).toBe(status);
      expect(await res.text()).toBe(body);
      for (const [name, value] of Object.entries(headers)) expect(res.headers.get(name)).toBe(value);
    }
  });

  it('a body over the proxy\'s own bound is answered 413 with a body, not a dropped connection', async () => {
    const e = await echo('tools');
    closers.push(e.close);
    proxy = await startSingleOriginProxy({ upstreams: { 'mcp-tools': [e.url] }, maxBodyBytes: 64 * 1024 });
    const res = await fetch(`${proxy.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bigBody(300_000) });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('Payload Too Large\n');
    expect(e.received).toHaveLength(0);
  });

  it('answers 503 + Retry-After until it is ready, then proxies', async () => {
    const e = await echo('gw');
    closers.push(e.close);
    proxy = await startSingleOriginProxy({ upstreams: { 'auth-gateway': [e.url] }, ready: false });
    const early = await fetch(`${proxy.url}/.well-known/oauth-authorization-server`);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(await early.text()).toContain('not ready');
    expect(e.received).toHaveLength(0);
    proxy.setReady(true);
    expect((await fetch(`${proxy.url}/.well-known/oauth-authorization-server`)).status).toBe(200);
  });
});

describe('a draining instance (its /health says so) gets no new requests, like a deregistered ALB target', () => {
  it('routes around an instance while it answers draining, and back once it serves again', async () => {
    let draining = false;
    const calls: Record<string, number> = { a: 0, b: 0 };
    const instance = (name: 'a' | 'b') =>
      createServer((req, res) => {
        if (req.url === '/health') {
          const body = name === 'a' && draining ? { status: 'error', error: { lifecycle: { status: 'down', state: 'draining' } } } : { status: 'ok' };
          res.writeHead(name === 'a' && draining ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          return;
        }
        calls[name]!++;
        res.writeHead(200).end(name);
      });
    const [a, b] = [instance('a'), instance('b')];
    await Promise.all([a, b].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const proxy = await startSingleOriginProxy({ upstreams: { 'mcp-tools': [url(a), url(b)] }, healthPath: '/health', healthIntervalMs: 50 });
    const burst = async () => {
      calls['a'] = calls['b'] = 0;
      for (let i = 0; i < 10; i++) await (await fetch(`${proxy.url}/mcp`, { method: 'POST', body: '{}' })).text();
      return { ...calls };
    };
    try {
      expect(await burst()).toEqual({ a: 5, b: 5 });
      draining = true;
      await new Promise((r) => setTimeout(r, 200));
      expect(proxy.upstreams('mcp-tools').map((u) => u.draining)).toEqual([true, false]);
      expect(await burst()).toEqual({ a: 0, b: 10 });
      draining = false;
      await new Promise((r) => setTimeout(r, 200));
      expect(await burst()).toEqual({ a: 5, b: 5 });
    } finally {
      await proxy.stop();
      for (const s of [a, b]) {
        s.closeAllConnections();
        s.close();
      }
    }
  });
});
