import { countItems } from './support/flow-steps';
import { GatewayHarness } from './support/harness';
import { CLIENT_REDIRECT } from './support/mcp-client';

describe('RFC 8414 authorization server metadata', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('publishes every field the MCP spec and the checklist require, with one byte-identical issuer', async () => {
    const res = await fetch(`${h.url}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as Record<string, unknown>;
    expect(m).toMatchObject({
      issuer: h.issuer,
      authorization_endpoint: `${h.issuer}/authorize`,
      token_endpoint: `${h.issuer}/token`,
      registration_endpoint: `${h.issuer}/register`,
      revocation_endpoint: `${h.issuer}/revoke`,
      jwks_uri: `${h.issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['mcp-server/read', 'mcp-server/write'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    const oidc = await (await fetch(`${h.url}/.well-known/openid-configuration`)).json();
    expect(oidc).toEqual(m);
  });

  it('publishes only public key members in the JWKS', async () => {
    const jwks = (await (await fetch(`${h.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const k of jwks.keys) {
      expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
  });
});

describe('RFC 7591 dynamic client registration', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start({ gatewayEnv: { REGISTRATION_RATE_LIMIT: '12', REGISTRATION_RATE_WINDOW: '60' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = (body: string, type = 'application/json') =>
    fetch(`${h.url}/register`, { method: 'POST', headers: { 'content-type': type }, body });

  it('registers a public client and returns 201 with the registered metadata, no secret', async () => {
    const res = await post(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', client_name: 'Claude' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', client_name: 'Claude', grant_types: ['authorization_code'], response_types: ['code'] });
    expect(body['client_id']).toMatch(/^mcp_/);
    expect(typeof body['client_id_issued_at']).toBe('number');
    expect(body).not.toHaveProperty('client_secret');
  });

  it.each([
    ['http on a non-loopback host', { redirect_uris: ['http://example.com/cb'] }, 'invalid_redirect_uri'],
    ['localhost.evil.com', { redirect_uris: ['http://localhost.evil.com/cb'] }, 'invalid_redirect_uri'],
    ['a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri'],
    ['no redirect URIs', { client_name: 'x' }, 'invalid_redirect_uri'],
    ['an unsupported auth method', { redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
  ])('refuses %s', async (_name, metadata, error) => {
    const res = await post(JSON.stringify(metadata));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });

  it.each([
    ['malformed JSON', '{"redirect_uris": [', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
    ['a form body', 'redirect_uris=x', 'application/x-www-form-urlencoded'],
  ])('answers %s with a 400 OAuth error, not a 5xx', async (_name, body, type) => {
    const res = await post(body, type);
    expect(res.status).toBe(400);
    expect(['invalid_client_metadata', 'invalid_request', 'invalid_redirect_uri']).toContain(((await res.json()) as { error: string }).error);
  });

  it('is rate limited per source address across instances (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await post(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none' }))).status);
    expect(statuses).toContain(429);
    const res = await post(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT] }));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(((await res.json()) as { error: string }).error).toBe('too_many_requests');
  });
});

/**
 * Issue 18 item 6, RFC 7591 §2 / §3.2.2: client metadata is text a person reads (the consent page) and URIs compared
 * byte for byte. Bytes that are not UTF-8, control characters, unpaired surrogates and bidirectional overrides are
 * refused as `invalid_client_metadata` (`invalid_redirect_uri` for redirect URIs, RFC 7591 §3.2.2), and nothing is stored.
 */
describe('registration input hygiene: invalid UTF-8 and control characters are refused', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start({ gatewayEnv: { REGISTRATION_RATE_LIMIT: '100' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A JSON body with raw bytes spliced in where `@@` stands (a client that sends Latin-1 or garbage). */
  const rawBody = (json: string, bytes: number[]) => {
    const [head, tail] = json.split('@@') as [string, string];
    return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(bytes), Buffer.from(tail, 'utf8')]);
  };
  const send = (body: string | Buffer) => fetch(`${h.url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const redirect = JSON.stringify([CLIENT_REDIRECT]);

  it.each([
    ['client_name with bytes that are not UTF-8 (Latin-1)', rawBody(`{"redirect_uris":${redirect},"client_name":"Zo@@"}`, [0xeb]), 'invalid_client_metadata'],
    ['client_name with a truncated UTF-8 sequence', rawBody(`{"redirect_uris":${redirect},"client_name":"a@@b"}`, [0xe2, 0x82]), 'invalid_client_metadata'],
    ['a redirect URI with bytes that are not UTF-8', rawBody('{"redirect_uris":["https://app.example.com/@@cb"]}', [0xff, 0xfe]), 'invalid_redirect_uri'],
    ['client_name with NUL', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], client_name: 'Claude\u0000Admin' }), 'invalid_client_metadata'],
    ['client_name with a newline', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], client_name: 'line1\nline2' }), 'invalid_client_metadata'],
    ['client_name with an ANSI escape', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], client_name: '\u001b[31mred' }), 'invalid_client_metadata'],
    ['client_name with a C1 control (NEL)', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], client_name: 'a\u0085b' }), 'invalid_client_metadata'],
    ['client_name with an unpaired surrogate', `{"redirect_uris":${redirect},"client_name":"a\\ud800b"}`, 'invalid_client_metadata'],
    ['client_name with a right-to-left override', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], client_name: 'Good\u202eliveE' }), 'invalid_client_metadata'],
    ['contacts with a carriage return', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], contacts: ['ops@example.com\r\nBcc: x'] }), 'invalid_client_metadata'],
    ['software_version with DEL', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], software_version: '1.0\u007f' }), 'invalid_client_metadata'],
    ['a redirect URI with a tab (the URL parser would drop it)', JSON.stringify({ redirect_uris: ['https://app.example.com/c\tb'] }), 'invalid_redirect_uri'],
    ['a redirect URI with raw non-ASCII', JSON.stringify({ redirect_uris: ['https://app.example.com/caf\u00e9'] }), 'invalid_redirect_uri'],
    ['a logo_uri with a control character', JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], logo_uri: 'https://a.example.com/\u0000.png' }), 'invalid_client_metadata'],
  ])('%s: 400 %s, nothing stored', async (_name, body, error) => {
    const before = (await countItems(h))['CLIENT'] ?? 0;
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const answer = (await res.json()) as { error: string; error_description: string };
    expect(answer.error).toBe(error);
    // RFC 6749 §5.2: the description is printable ASCII without quote or backslash - it never echoes the input.
    expect(answer.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
    expect((await countItems(h))['CLIENT'] ?? 0).toBe(before);
  });

  it('accepts clean non-ASCII text (names are not limited to ASCII)', async () => {
    const res = await send(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', client_name: 'Zoë’s agent ✓ 日本' }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { client_name: string }).client_name).toBe('Zoë’s agent ✓ 日本');
  });
});

describe('CORS: API endpoints are callable from browser-based clients, pages are not', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(['/register', '/token', '/revoke', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json'])('%s answers a preflight without credentials', async (path) => {
    const res = await fetch(`${h.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each(['/authorize', '/consent', '/callback'])('%s sends no CORS headers', async (path) => {
    const res = await fetch(`${h.url}${path}`, { headers: { origin: 'http://localhost:6274' }, redirect: 'manual' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
