import { createHash, randomBytes } from 'node:crypto';

/**
 * A tiny hand-driven browser + OAuth client for the tests: it follows redirects itself (so every hop can be
 * asserted), keeps cookies in a jar and posts the real /login form.
 */

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-client-secret-0123456789';
export const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
export const LOGOUT_URI = 'http://127.0.0.1:53682/signed-out';

export const ALICE = {
  username: 'alice',
  password: 'alice-dev-password',
  sub: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
};
export const BOB = {
  username: 'bob',
  password: 'bob-dev-password',
  sub: '7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d',
};

/** Environment that defines the test's confidential app client. */
export function clientEnv(
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    COGNITO_CLIENT_ID: CLIENT_ID,
    COGNITO_CLIENT_SECRET: CLIENT_SECRET,
    LOCAL_IDP_REDIRECT_URIS: REDIRECT_URI,
    LOCAL_IDP_LOGOUT_URIS: LOGOUT_URI,
    ...extra,
  };
}

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) =>
        /^\s*expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  values(): string[] {
    return [...this.cookies.values()];
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    challenge: createHash('sha256').update(verifier).digest('base64url'),
  };
}

export async function get(url: string, jar: CookieJar): Promise<Response> {
  const res = await fetch(url, {
    redirect: 'manual',
    headers: { cookie: jar.header() },
  });
  jar.store(res);
  return res;
}

export function absolute(base: string, location: string | null): string {
  if (!location) throw new Error('expected a Location header');
  return new URL(location, base).toString();
}

export interface AuthorizeOptions {
  scope?: string;
  state?: string;
  codeChallenge?: string;
  clientId?: string;
  redirectUri?: string;
  extra?: Record<string, string>;
}

export function authorizeUrl(
  baseUrl: string,
  opts: AuthorizeOptions = {},
): string {
  const params = new URLSearchParams({
    client_id: opts.clientId ?? CLIENT_ID,
    response_type: 'code',
    redirect_uri: opts.redirectUri ?? REDIRECT_URI,
    scope:
      opts.scope ?? 'openid email profile mcp-server/read mcp-server/write',
    state: opts.state ?? randomBytes(8).toString('hex'),
    ...(opts.codeChallenge
      ? { code_challenge: opts.codeChallenge, code_challenge_method: 'S256' }
      : {}),
    ...opts.extra,
  });
  return `${baseUrl}/oauth2/authorize?${params.toString()}`;
}

/** Start an authorization and stop at the login page. */
export async function openLoginPage(
  baseUrl: string,
  jar: CookieJar,
  opts: AuthorizeOptions = {},
): Promise<{ loginUrl: string; res: Response; html: string }> {
  const start = await get(authorizeUrl(baseUrl, opts), jar);
  if (start.status !== 303 && start.status !== 302) {
    throw new Error(
      `authorize answered ${start.status}: ${await start.text()}`,
    );
  }
  const loginUrl = absolute(baseUrl, start.headers.get('location'));
  const res = await get(loginUrl, jar);
  return { loginUrl, res, html: await res.text() };
}

export function formFields(html: string): { action: string; csrf: string } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  const csrf = /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
  if (action === undefined || csrf === undefined)
    throw new Error(`no login form in page:\n${html}`);
  return { action: action.replace(/&amp;/g, '&'), csrf };
}

export async function postLogin(
  baseUrl: string,
  jar: CookieJar,
  html: string,
  username: string,
  password: string,
): Promise<Response> {
  const { action, csrf } = formFields(html);
  const res = await fetch(new URL(action, baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: jar.header(),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: csrf, username, password }).toString(),
  });
  jar.store(res);
  return res;
}

/** Follow redirects by hand until one leaves local-idp; return that final Location. */
export async function followToClient(
  baseUrl: string,
  jar: CookieJar,
  first: Response,
): Promise<URL> {
  let res = first;
  for (let hops = 0; hops < 10; hops++) {
    if (res.status !== 302 && res.status !== 303)
      throw new Error(
        `expected a redirect, got ${res.status}: ${await res.text()}`,
      );
    const next = new URL(absolute(baseUrl, res.headers.get('location')));
    if (next.origin !== new URL(baseUrl).origin) return next;
    res = await get(next.toString(), jar);
  }
  throw new Error('too many redirects');
}

/** Full browser leg: authorize, log in through the real form, return the code from the client redirect. */
export async function signIn(
  baseUrl: string,
  user: { username: string; password: string },
  opts: AuthorizeOptions & { jar?: CookieJar } = {},
): Promise<{ code: string; state: string; callback: URL; jar: CookieJar }> {
  const jar = opts.jar ?? new CookieJar();
  const state = opts.state ?? randomBytes(8).toString('hex');
  const { html } = await openLoginPage(baseUrl, jar, { ...opts, state });
  const posted = await postLogin(
    baseUrl,
    jar,
    html,
    user.username,
    user.password,
  );
  const callback = await followToClient(baseUrl, jar, posted);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.toString()}`);
  return {
    code,
    state: callback.searchParams.get('state') ?? '',
    callback,
    jar,
  };
}

export type ClientAuth = 'basic' | 'post';

export async function tokenRequest(
  baseUrl: string,
  params: Record<string, string>,
  auth: ClientAuth = 'basic',
  credentials: { id: string; secret: string } = {
    id: CLIENT_ID,
    secret: CLIENT_SECRET,
  },
): Promise<{
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  };
  const form = new URLSearchParams(params);
  if (auth === 'basic') {
    headers['authorization'] =
      `Basic ${Buffer.from(`${credentials.id}:${credentials.secret}`).toString('base64')}`;
  } else {
    form.set('client_id', credentials.id);
    form.set('client_secret', credentials.secret);
  }
  const res = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers,
    body: form.toString(),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

/** Sign in and exchange the code: the common first half of most tests. */
export async function obtainTokens(
  baseUrl: string,
  user: { username: string; password: string } = ALICE,
  opts: AuthorizeOptions = {},
): Promise<{
  access_token: string;
  id_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}> {
  const { verifier, challenge } = pkcePair();
  const { code } = await signIn(baseUrl, user, {
    ...opts,
    codeChallenge: challenge,
  });
  const res = await tokenRequest(baseUrl, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: opts.redirectUri ?? REDIRECT_URI,
    code_verifier: verifier,
  });
  if (res.status !== 200)
    throw new Error(
      `token exchange failed: ${res.status} ${JSON.stringify(res.body)}`,
    );
  return res.body as never;
}

export async function userInfo(
  baseUrl: string,
  accessToken: string,
): Promise<Response> {
  return fetch(`${baseUrl}/oauth2/userInfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

export async function revoke(
  baseUrl: string,
  token: string,
): Promise<Response> {
  return fetch(`${baseUrl}/oauth2/revoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
}

export async function stats(baseUrl: string): Promise<{
  token: { total: number; byGrantType: Record<string, number>; failed: number };
  revocations: { total: number; failed: number };
  userInfo: { total: number; failed: number };
  logins: { succeeded: number; failed: number };
}> {
  const res = await fetch(`${baseUrl}/__local-idp/stats`);
  if (res.status !== 200) throw new Error(`stats answered ${res.status}`);
  return (await res.json()) as never;
}

/** The refresh token of a token response, or a clear failure when there is none. */
export function refreshTokenOf(tokens: { refresh_token?: string }): string {
  if (typeof tokens.refresh_token !== 'string')
    throw new Error('the token response has no refresh_token');
  return tokens.refresh_token;
}
