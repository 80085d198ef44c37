import { HttpBrowser, authorizeInBrowser, pkce, type DevUserCredentials } from '@mcp-cognito/dev-stack';

export const CLIENT_REDIRECT = 'http://127.0.0.1:43110/callback';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  [key: string]: unknown;
}

/** RFC 7591 registration as an MCP client does it. */
export async function register(gateway: string, metadata: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const res = await fetch(`${gateway}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Test MCP Client',
      redirect_uris: [CLIENT_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      ...metadata,
    }),
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredClient;
}

export interface AuthorizeParams {
  client_id: string;
  redirect_uri?: string;
  state?: string;
  scope?: string;
  resource?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  response_type?: string;
  [key: string]: string | undefined;
}

export function authorizationUrl(gateway: string, params: AuthorizeParams): string {
  const url = new URL(`${gateway}/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export interface FlowResult {
  code: string;
  state: string | null;
  iss: string | null;
  verifier: string;
  browser: HttpBrowser;
  consentHtml?: string;
  consentHeaders?: Headers;
}

/** Authorization request + consent + login, ending at the client's redirect URI with a code. */
export async function obtainCode(
  gateway: string,
  client: RegisteredClient,
  resource: string,
  user: DevUserCredentials,
  options: { browser?: HttpBrowser; scope?: string; redirectUri?: string; rewriteCallback?: (url: URL) => URL } = {},
): Promise<FlowResult> {
  const { verifier, challenge } = pkce();
  const browser = options.browser ?? new HttpBrowser();
  const redirectUri = options.redirectUri ?? client.redirect_uris[0]!;
  const state = `st-${Math.random().toString(36).slice(2)}`;
  const url = authorizationUrl(gateway, {
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    state,
    scope: options.scope ?? 'mcp-server/read mcp-server/write',
    resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const result = await authorizeInBrowser(browser, url, redirectUri, user);
  const code = result.redirect.searchParams.get('code');
  if (!code) throw new Error(`no code: ${result.redirect.toString()}`);
  return {
    code,
    state: result.redirect.searchParams.get('state'),
    iss: result.redirect.searchParams.get('iss'),
    verifier,
    browser,
    consentHtml: result.consentHtml,
    consentHeaders: result.consentHeaders,
  };
}

export async function tokenRequest(gateway: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${gateway}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export function exchangeCode(gateway: string, client: RegisteredClient, flow: FlowResult, resource: string, extra: Record<string, string> = {}) {
  return tokenRequest(gateway, {
    grant_type: 'authorization_code',
    code: flow.code,
    redirect_uri: client.redirect_uris[0]!,
    code_verifier: flow.verifier,
    client_id: client.client_id,
    resource,
    ...extra,
  });
}
