import { authorizeInBrowser, freePort, HttpBrowser, parseForm, pkce } from '@mcp-cognito/dev-stack';

/** Dev users of local-idp (apps/local-idp/dev-users.json). */
export const ALICE = { username: 'alice', password: 'alice-dev-password' };
export const SCOPES = 'mcp-server/read mcp-server/write';

export interface Client {
  client_id: string;
  redirect_uri: string;
}

/** RFC 7591 registration of a public client with a loopback redirect URI (nothing needs to listen there). */
export async function register(issuer: string): Promise<Client> {
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  const res = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'fault tests', redirect_uris: [redirect], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
  });
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${await res.text()}`);
  return { client_id: ((await res.json()) as { client_id: string }).client_id, redirect_uri: redirect };
}

export function authorizationUrl(issuer: string, client: Client, resource: string, challenge: string): string {
  const url = new URL(`${issuer}/authorize`);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: client.redirect_uri,
    response_type: 'code',
    state: 'fault-state',
    scope: SCOPES,
    resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** An authorization code and its verifier, from the whole browser leg (consent + sign-in at local-idp). */
export async function obtainCode(issuer: string, client: Client, resource: string): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const { redirect } = await authorizeInBrowser(new HttpBrowser(), authorizationUrl(issuer, client, resource, challenge), client.redirect_uri, ALICE);
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code: ${redirect.toString()}`);
  return { code, verifier };
}

export function tokenRequest(issuer: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
}

export function redeem(issuer: string, client: Client, resource: string, code: { code: string; verifier: string }): Promise<Response> {
  return tokenRequest(issuer, {
    grant_type: 'authorization_code',
    code: code.code,
    code_verifier: code.verifier,
    redirect_uri: client.redirect_uri,
    client_id: client.client_id,
    resource,
  });
}

export function refresh(issuer: string, client: Client, refreshToken: string): Promise<Response> {
  return tokenRequest(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });
}

export async function signIn(issuer: string, client: Client, resource: string): Promise<{ access_token: string; refresh_token: string }> {
  const res = await redeem(issuer, client, resource, await obtainCode(issuer, client, resource));
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

/** A consent page shown in a browser, ready to be approved later. */
export async function openConsent(issuer: string, client: Client, resource: string): Promise<{ browser: HttpBrowser; action: string; fields: Record<string, string> }> {
  const browser = new HttpBrowser();
  const url = authorizationUrl(issuer, client, resource, pkce().challenge);
  const page = await browser.get(url);
  if (page.status !== 200) throw new Error(`consent page: ${page.status}`);
  const form = parseForm(await page.text(), url);
  return { browser, action: form.action, fields: { ...form.fields, decision: 'approve' } };
}

/** A sign-in that came back from local-idp: the gateway callback URL, not yet visited, and the browser bound to it. */
export async function signedInCallback(issuer: string, client: Client, resource: string): Promise<{ browser: HttpBrowser; url: string }> {
  const consent = await openConsent(issuer, client, resource);
  const { browser } = consent;
  const approved = await browser.post(consent.action, consent.fields);
  const cognito = approved.headers.get('location');
  if (approved.status !== 302 || !cognito) throw new Error(`approve: ${approved.status}`);
  const atCallback = (u: URL) => u.pathname === '/callback';
  let step = await browser.follow(await browser.get(cognito), cognito, atCallback);
  if (!step.stoppedAt) {
    const form = parseForm(await step.response.text(), step.url);
    step = await browser.follow(await browser.post(form.action, { ...form.fields, ...ALICE }), form.action, atCallback);
  }
  if (!step.stoppedAt) throw new Error('the sign-in did not come back to /callback');
  return { browser, url: step.stoppedAt.toString() };
}

/** One MCP 2026-07-28 tool call (stateless: no handshake), as raw HTTP so that status and body can be checked. */
export function callTool(mcp: string, token: string, name: string, args: Record<string, unknown> = {}, id = 1): Promise<Response> {
  return fetch(mcp, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': name,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: args, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
    }),
  });
}

/** The JSON-RPC answer of a tool call: its result (with `isError` and text) or its error. */
export function toolOutcome(body: string): { isError: boolean; text: string; error?: { code: number; message: string } } {
  const message = JSON.parse(body) as { result?: { isError?: boolean; content?: Array<{ text?: string }> }; error?: { code: number; message: string } };
  if (message.error) return { isError: true, text: message.error.message, error: message.error };
  return { isError: message.result?.isError === true, text: message.result?.content?.[0]?.text ?? '' };
}
