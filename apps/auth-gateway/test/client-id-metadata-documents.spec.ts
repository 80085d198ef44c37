import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isForbiddenAddress } from '../src/clients/metadata-documents/address-policy';
import { MetadataDocumentError, MetadataDocumentResolver } from '../src/clients/metadata-documents/metadata-document.resolver';
import { GatewayHarness, ALICE } from './support/harness';
import { CLIENT_REDIRECT, exchangeCode, obtainCode } from './support/mcp-client';

/** A loopback "client website" serving metadata documents with chosen behaviour per path. */
async function documentServer(handlers: Record<string, (res: ServerResponse, base: string) => void>) {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const handler = handlers[req.url ?? ''];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    handler(res, base);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const doc = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_name: 'Docs Client',
  redirect_uris: [CLIENT_REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

describe('SSRF guards for metadata-document fetches', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])(
    'refuses %s',
    (ip) => expect(isForbiddenAddress(ip)).toBe(true),
  );
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('allows public %s', (ip) => expect(isForbiddenAddress(ip)).toBe(false));
});

describe('Client ID Metadata Documents (MCP 2025-11-25 client registration)', () => {
  let site: Awaited<ReturnType<typeof documentServer>>;
  let resolver: MetadataDocumentResolver;

  beforeAll(async () => {
    site = await documentServer({
      '/client.json': (res, base) => json(res, doc(`${base}/client.json`), { 'cache-control': 'max-age=300' }),
      '/no-store.json': (res, base) => json(res, doc(`${base}/no-store.json`), { 'cache-control': 'no-store' }),
      '/mismatch.json': (res) => json(res, doc('https://other.example.com/client.json')),
      '/no-redirects.json': (res, base) => json(res, { client_id: `${base}/no-redirects.json`, client_name: 'x' }),
      '/secret.json': (res, base) => json(res, doc(`${base}/secret.json`, { client_secret: 'nope' })),
      '/confidential.json': (res, base) => json(res, doc(`${base}/confidential.json`, { token_endpoint_auth_method: 'client_secret_basic' })),
      '/redirect.json': (res, base) => res.writeHead(302, { location: `${base}/client.json` }).end(),
      '/huge.json': (res, base) => json(res, doc(`${base}/huge.json`, { client_name: 'x'.repeat(100), padding: 'y'.repeat(20_000) })),
      '/slow.json': () => undefined, // never answers
      '/html.json': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
    });
    resolver = new MetadataDocumentResolver({ allowedPrivateHosts: [site.host], timeoutMs: 500 });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('fetches, validates and caches a document per its Cache-Control', async () => {
    const before = resolver.fetches;
    const client = await resolver.resolve(`${site.base}/client.json`);
    expect(client).toMatchObject({ clientId: `${site.base}/client.json`, source: 'metadata-document', redirectUris: [CLIENT_REDIRECT], tokenEndpointAuthMethod: 'none', clientName: 'Docs Client' });
    await resolver.resolve(`${site.base}/client.json`);
    expect(resolver.fetches).toBe(before + 1);
  });

  it('does not cache a no-store document', async () => {
    const before = resolver.fetches;
    await resolver.resolve(`${site.base}/no-store.json`);
    await resolver.resolve(`${site.base}/no-store.json`);
    expect(resolver.fetches).toBe(before + 2);
  });

  it.each([
    ['a client_id that differs from the URL', '/mismatch.json', /does not equal its URL/],
    ['no redirect_uris', '/no-redirects.json', /redirect_uris/],
    ['a client_secret in a public document', '/secret.json', /client_secret/],
    ['a confidential auth method', '/confidential.json', /public/],
    ['a redirect (no redirects are followed)', '/redirect.json', /answered 302/],
    ['a document over the size limit', '/huge.json', /larger than/],
    ['a server that never answers (time limit)', '/slow.json', /did not answer within/],
    ['a non-JSON response', '/html.json', /not JSON/],
  ])('refuses %s', async (_name, path, reason) => {
    await expect(resolver.resolve(`${site.base}${path}`)).rejects.toThrow(reason);
  });

  it('refuses loopback and private addresses unless the development allow-list names the host', async () => {
    const strict = new MetadataDocumentResolver({ allowedPrivateHosts: [] });
    await expect(strict.resolve(`${site.base}/client.json`)).rejects.toThrow(/https/);
    await expect(strict.resolve('https://127.0.0.1:9/client.json')).rejects.toThrow(/forbidden address/);
    await expect(strict.resolve('https://localhost:9/client.json')).rejects.toThrow(/forbidden address/);
    await expect(strict.resolve('https://169.254.169.254/latest/meta-data')).rejects.toThrow(/forbidden address/);
    await expect(strict.resolve('https://[::1]:9/client.json')).rejects.toThrow(MetadataDocumentError);
  });

  it.each(['https://example.com', 'https://example.com/a#b', 'https://u:p@example.com/c', 'https://example.com/a/../b', 'ftp://example.com/c'])(
    'refuses the non-canonical or unusable client_id URL %s',
    async (url) => {
      await expect(resolver.resolve(url)).rejects.toThrow(MetadataDocumentError);
    },
  );

  describe('through the gateway', () => {
    let h: GatewayHarness;
    beforeAll(async () => {
      h = await GatewayHarness.start({ gatewayEnv: { CIMD_ALLOWED_PRIVATE_HOSTS: site.host } });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('a client identified by its metadata document URL completes the flow; consent shows the document host and a loopback warning', async () => {
      const clientId = `${site.base}/client.json`;
      const client = { client_id: clientId, redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none' };
      const flow = await obtainCode(h.url, client, h.resource, ALICE);
      expect(flow.consentHtml).toContain(`published at <code>${site.host}</code>`);
      expect(flow.consentHtml).toContain('only redirects to programs on this computer');
      const token = await exchangeCode(h.url, client, flow, h.resource);
      expect(token.status).toBe(200);
    });

    it('an unreachable or invalid document is an error page at /authorize, never a redirect', async () => {
      const res = await fetch(`${h.url}/authorize?client_id=${encodeURIComponent(`${site.base}/mismatch.json`)}&redirect_uri=${encodeURIComponent(CLIENT_REDIRECT)}&response_type=code`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });
  });

  describe('fair fetch slots: a slow site cannot lock the others out (per-site limits and a short queue)', () => {
    let slow: Server;
    let slowPort: number;
    let medium: Server;
    let mediumPort: number;
    beforeAll(async () => {
      // One site that never answers, one that answers after 150 ms; any path is a document of its own.
      slow = createServer(() => undefined);
      medium = createServer((req, res) => setTimeout(() => json(res, doc(`http://127.0.0.1:${mediumPort}${req.url}`)), 150));
      await Promise.all([slow, medium].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))));
      slowPort = (slow.address() as AddressInfo).port;
      mediumPort = (medium.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const srv of [slow, medium]) {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    });

    it('sixteen documents on a host that never answers leave the fetch slots of every other site free', async () => {
      // `localhost` and `127.0.0.1` are two sites here; the slow one is reached by name.
      const resolver = new MetadataDocumentResolver({ allowedPrivateHosts: [`localhost:${slowPort}`, `127.0.0.1:${siteHostPort()}`], timeoutMs: 1500, slotWaitMs: 300 });
      const stuck = Array.from({ length: 16 }, (_, i) => resolver.resolve(`http://localhost:${slowPort}/doc-${i}.json`).catch((e: Error) => e));
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      await expect(resolver.resolve(`${site.base}/client.json`)).resolves.toMatchObject({ clientName: 'Docs Client' });
      expect(Date.now() - started).toBeLessThan(1000);
      const outcomes = await Promise.all(stuck);
      // The slow site got its share (2 fetches, a few waiting) and was refused the rest at once - as a refusal of those
      // requests only: nothing about those documents is remembered.
      expect(outcomes.every((o) => o instanceof MetadataDocumentError)).toBe(true);
      expect(outcomes.filter((o) => /did not answer within/.test((o as Error).message))).toHaveLength(2);
      expect(outcomes.filter((o) => /try again shortly/.test((o as Error).message)).length).toBeGreaterThanOrEqual(12);
    }, 15_000);

    it('a burst for one site waits for a slot instead of failing, and one document asked for at once is fetched once', async () => {
      const resolver = new MetadataDocumentResolver({ allowedPrivateHosts: [`127.0.0.1:${mediumPort}`], timeoutMs: 1500, slotWaitMs: 1000 });
      const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => resolver.resolve(`http://127.0.0.1:${mediumPort}/burst-${i}.json`)));
      expect(burst).toHaveLength(5);
      const before = resolver.fetches;
      const same = await Promise.all(Array.from({ length: 6 }, () => resolver.resolve(`http://127.0.0.1:${mediumPort}/shared.json`)));
      expect(new Set(same.map((c) => c.clientId)).size).toBe(1);
      expect(resolver.fetches).toBe(before + 1);
    });
  });

  function siteHostPort(): string {
    return site.host.split(':')[1]!;
  }
});
