import {
  startLocalIdpProcess,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  ALICE,
  BOB,
  CLIENT_ID,
  clientEnv,
  CookieJar,
  followToClient,
  formFields,
  get,
  LOGOUT_URI,
  obtainTokens,
  openLoginPage,
  pkcePair,
  postLogin,
  REDIRECT_URI,
  revoke,
  signIn,
  stats,
  tokenRequest,
  userInfo,
  refreshTokenOf,
} from './support/oauth-client';

/**
 * Runs the BUILT local-idp (dist/apps/local-idp/main.js, `nx test` builds it first) as a child process:
 * oidc-provider is ESM-only and is never imported into Jest.
 */
let idp: LocalIdpProcess;
const output: string[] = [];

beforeAll(async () => {
  idp = await startLocalIdpProcess({
    env: clientEnv(),
    output: (_name, line) => output.push(line),
  });
});

afterAll(async () => {
  await idp?.stop();
});

describe('Cognito-style discovery and JWKS under the user-pool issuer', () => {
  it('serves discovery at <issuer>/.well-known/openid-configuration pointing at the real routes', async () => {
    // Cognito's layout: the issuer (cognito-idp.<region>.amazonaws.com/<pool>) is another origin than the domain.
    expect(idp.issuer).toBe(`${idp.issuerBaseUrl}/local_devpool`);
    expect(idp.issuerBaseUrl).not.toBe(idp.baseUrl);
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.baseUrl}/oauth2/authorize`,
      token_endpoint: `${idp.baseUrl}/oauth2/token`,
      userinfo_endpoint: `${idp.baseUrl}/oauth2/userInfo`,
      revocation_endpoint: `${idp.baseUrl}/oauth2/revoke`,
      jwks_uri: `${idp.issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code'],
    });
    expect(doc['scopes_supported']).toEqual(
      expect.arrayContaining([
        'openid',
        'email',
        'profile',
        'mcp-server/read',
        'mcp-server/write',
      ]),
    );
    expect(doc['token_endpoint_auth_methods_supported']).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    // Nothing Cognito lacks is advertised.
    expect(doc).not.toHaveProperty('pushed_authorization_request_endpoint');
    expect(doc).not.toHaveProperty('end_session_endpoint');
    expect(doc).not.toHaveProperty(
      'authorization_response_iss_parameter_supported',
    );

    // Every advertised endpoint really answers (none is a 404).
    const probes: [string, string][] = [
      ['authorization_endpoint', 'GET'],
      ['token_endpoint', 'POST'],
      ['userinfo_endpoint', 'GET'],
      ['revocation_endpoint', 'POST'],
      ['jwks_uri', 'GET'],
    ];
    for (const [key, method] of probes) {
      const probe = await fetch(String(doc[key]), {
        method,
        redirect: 'manual',
      });
      expect({ key, status: probe.status }).not.toEqual({ key, status: 404 });
    }
  });

  it('publishes RS256 signing keys with kid at <issuer>/.well-known/jwks.json and no private parts', async () => {
    const res = await fetch(`${idp.issuer}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(typeof key['kid']).toBe('string');
      expect(key).not.toHaveProperty('d');
    }
  });

  it('has no discovery document at the domain root (Cognito has none there either)', async () => {
    const res = await fetch(`${idp.baseUrl}/.well-known/openid-configuration`);
    expect(res.status).toBe(404);
  });
});

describe('Cognito-compatible authorization code + PKCE flow', () => {
  it('logs a dev user in through /login and issues Cognito-shaped tokens that verify against the JWKS', async () => {
    const { verifier, challenge } = pkcePair();
    const { code, state, callback } = await signIn(idp.baseUrl, ALICE, {
      codeChallenge: challenge,
      state: 'xyz-123',
    });
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(state).toBe('xyz-123');
    // Cognito's redirect carries code and state only (no RFC 9207 iss).
    expect(callback.searchParams.has('iss')).toBe(false);

    const res = await tokenRequest(idp.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    expect(res.body['token_type']).toBe('Bearer');
    expect(res.body['expires_in']).toBe(3600);

    const jwks = createRemoteJWKSet(
      new URL(`${idp.issuer}/.well-known/jwks.json`),
    );
    const accessToken = String(res.body['access_token']);
    const at = await jwtVerify(accessToken, jwks, {
      issuer: idp.issuer,
      algorithms: ['RS256'],
    });
    expect(at.protectedHeader).toEqual({
      kid: expect.any(String),
      alg: 'RS256',
    });
    expect(at.payload).toEqual({
      sub: ALICE.sub,
      'cognito:groups': ['admins'],
      iss: idp.issuer,
      version: 2,
      client_id: CLIENT_ID,
      origin_jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token_use: 'access',
      scope: expect.any(String),
      auth_time: expect.any(Number),
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: 'alice',
    });
    expect(at.payload).not.toHaveProperty('aud');
    expect(String(at.payload['scope']).split(' ').sort()).toEqual([
      'email',
      'mcp-server/read',
      'mcp-server/write',
      'openid',
      'profile',
    ]);
    expect(Number(at.payload.exp) - Number(at.payload.iat)).toBe(3600);

    const id = await jwtVerify(String(res.body['id_token']), jwks, {
      issuer: idp.issuer,
      audience: CLIENT_ID,
      algorithms: ['RS256'],
    });
    expect(id.payload).toMatchObject({
      sub: ALICE.sub,
      aud: CLIENT_ID,
      iss: idp.issuer,
      token_use: 'id',
      'cognito:username': 'alice',
      'cognito:groups': ['admins'],
      email: 'alice@example.com',
      email_verified: true,
      origin_jti: at.payload['origin_jti'],
      event_id: at.payload['event_id'],
      auth_time: at.payload['auth_time'],
    });
    // at_hash binds the ID token to the JWT access token actually returned.
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(accessToken).digest();
    expect(id.payload['at_hash']).toBe(
      digest.subarray(0, 16).toString('base64url'),
    );
    // Cognito signs ID and access tokens with two different keys of the pool's JWKS.
    expect(decodeProtectedHeader(String(res.body['id_token'])).kid).not.toBe(
      at.protectedHeader.kid,
    );
    expect(id.protectedHeader).toEqual({
      kid: expect.any(String),
      alg: 'RS256',
    });
    // Refresh tokens are opaque JWEs in Cognito: five base64url parts.
    expect(String(res.body['refresh_token']).split('.')).toHaveLength(5);
  });

  it('omits cognito:groups for a user without groups and keeps only the granted scopes', async () => {
    const tokens = await obtainTokens(idp.baseUrl, BOB, {
      scope: 'openid mcp-server/read',
    });
    const jwks = createRemoteJWKSet(
      new URL(`${idp.issuer}/.well-known/jwks.json`),
    );
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.issuer,
    });
    expect(payload.sub).toBe(BOB.sub);
    expect(payload['username']).toBe('bob');
    expect(payload).not.toHaveProperty('cognito:groups');
    expect(String(payload['scope']).split(' ').sort()).toEqual([
      'mcp-server/read',
      'openid',
    ]);
    const id = await jwtVerify(tokens.id_token, jwks, {
      issuer: idp.issuer,
      audience: CLIENT_ID,
    });
    // No email scope: no email claims (Cognito maps attributes to scopes the same way).
    expect(id.payload).not.toHaveProperty('email');
  });

  it('accepts client_secret_post as well as client_secret_basic', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(idp.baseUrl, BOB, {
      codeChallenge: challenge,
    });
    const res = await tokenRequest(
      idp.baseUrl,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      'post',
    );
    expect(res.status).toBe(200);
    expect(typeof res.body['access_token']).toBe('string');
  });

  it('refuses a wrong client secret', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(idp.baseUrl, BOB, {
      codeChallenge: challenge,
    });
    const res = await tokenRequest(
      idp.baseUrl,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      'basic',
      { id: CLIENT_ID, secret: 'wrong-secret' },
    );
    expect(res.status).toBe(401);
    expect(res.body['error']).toBe('invalid_client');
  });

  it('keeps the hosted-UI session: a second authorization skips the login page', async () => {
    const first = await signIn(idp.baseUrl, ALICE);
    const again = await get(
      `${idp.baseUrl}/oauth2/authorize?${new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 's2',
      }).toString()}`,
      first.jar,
    );
    const callback = await followToClient(idp.baseUrl, first.jar, again);
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('renders an error page (no redirect) for an unregistered redirect_uri', async () => {
    const res = await fetch(
      `${idp.baseUrl}/oauth2/authorize?${new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: 'https://evil.example/callback',
        scope: 'openid',
      }).toString()}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri');
  });
});

describe('Hosted-UI login page', () => {
  it('is plain accessible HTML: lang, <main>, labelled fields, no script', async () => {
    const { res, html } = await openLoginPage(idp.baseUrl, new CookieJar());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain(
      "frame-ancestors 'none'",
    );
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<main>/);
    expect(html).toMatch(/<label for="username">/);
    expect(html).toMatch(/<input id="username"/);
    expect(html).toMatch(/<label for="password">/);
    expect(html).toMatch(/<input id="password"[^>]*type="password"/);
    expect(html).not.toMatch(/<script/i);
  });

  it('re-renders the form with a visible error on a wrong password, escaping what it echoes', async () => {
    const jar = new CookieJar();
    const { html } = await openLoginPage(idp.baseUrl, jar);
    const evilName = 'alice"><script>alert(1)</script>';
    const res = await postLogin(
      idp.baseUrl,
      jar,
      html,
      evilName,
      'not-the-password',
    );
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toContain('Incorrect username or password.');
    expect(page).toContain('role="alert"');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain(
      'alice&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(page).not.toContain('not-the-password');
    // The form is still there and still works with the right password.
    formFields(page);
    const ok = await postLogin(
      idp.baseUrl,
      jar,
      page,
      ALICE.username,
      ALICE.password,
    );
    const callback = await followToClient(idp.baseUrl, jar, ok);
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('refuses a wrong password for an existing user (and does not reveal which field was wrong)', async () => {
    const jar = new CookieJar();
    const { html } = await openLoginPage(idp.baseUrl, jar);
    const res = await postLogin(
      idp.baseUrl,
      jar,
      html,
      BOB.username,
      ALICE.password,
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Incorrect username or password.');
  });

  it('refuses a form post without the CSRF token of this sign-in', async () => {
    const jar = new CookieJar();
    const { loginUrl } = await openLoginPage(idp.baseUrl, jar);
    const res = await fetch(loginUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        _csrf: 'forged',
        username: ALICE.username,
        password: ALICE.password,
      }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('explains instead of failing when /login is opened without a pending authorization', async () => {
    const res = await fetch(`${idp.baseUrl}/login`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Sign-in session not found');
  });
});

describe('PKCE (S256) is enforced at the token endpoint', () => {
  it('refuses a wrong code_verifier', async () => {
    const { challenge } = pkcePair();
    const { code } = await signIn(idp.baseUrl, ALICE, {
      codeChallenge: challenge,
    });
    const res = await tokenRequest(idp.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkcePair().verifier,
    });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_grant');
  });

  it('refuses a missing code_verifier when a challenge was sent', async () => {
    const { challenge } = pkcePair();
    const { code } = await signIn(idp.baseUrl, ALICE, {
      codeChallenge: challenge,
    });
    const res = await tokenRequest(idp.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_grant');
  });

  it('refuses the plain method at /oauth2/authorize', async () => {
    const res = await fetch(
      `${idp.baseUrl}/oauth2/authorize?${new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'p',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'plain',
      }).toString()}`,
      { redirect: 'manual' },
    );
    const location = new URL(String(res.headers.get('location')), idp.baseUrl);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('accepts an authorization code only once', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(idp.baseUrl, ALICE, {
      codeChallenge: challenge,
    });
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
    expect((await tokenRequest(idp.baseUrl, params)).status).toBe(200);
    const second = await tokenRequest(idp.baseUrl, params);
    expect(second.status).toBe(400);
    expect(second.body['error']).toBe('invalid_grant');
  });
});

describe('Refresh tokens, Cognito legacy behaviour (no rotation)', () => {
  it('returns a new access and ID token and no new refresh token; the refresh token stays usable', async () => {
    const tokens = await obtainTokens(idp.baseUrl, ALICE);
    expect(typeof tokens.refresh_token).toBe('string');
    const first = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'token_type',
    ]);
    expect(first.body['access_token']).not.toBe(tokens.access_token);

    const jwks = createRemoteJWKSet(
      new URL(`${idp.issuer}/.well-known/jwks.json`),
    );
    const before = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.issuer,
    });
    const after = await jwtVerify(String(first.body['access_token']), jwks, {
      issuer: idp.issuer,
    });
    // Same sign-in: same origin_jti, event_id and auth_time; a new jti.
    expect(after.payload['origin_jti']).toBe(before.payload['origin_jti']);
    expect(after.payload['event_id']).toBe(before.payload['event_id']);
    expect(after.payload['auth_time']).toBe(before.payload['auth_time']);
    expect(after.payload.jti).not.toBe(before.payload.jti);
    expect(after.payload['token_use']).toBe('access');

    const second = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(second.status).toBe(200);
  });

  it('issues no refresh token without the openid scope', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(idp.baseUrl, ALICE, {
      codeChallenge: challenge,
      scope: 'mcp-server/read',
    });
    const res = await tokenRequest(idp.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(res.body).not.toHaveProperty('id_token');
  });
});

describe('Revocation at /oauth2/revoke ends the refresh token and the tokens issued from it', () => {
  it('revokes the refresh token; its access tokens are refused at userInfo, other sign-ins keep working', async () => {
    const doomed = await obtainTokens(idp.baseUrl, ALICE);
    const survivor = await obtainTokens(idp.baseUrl, ALICE);
    expect((await userInfo(idp.baseUrl, doomed.access_token)).status).toBe(200);

    const res = await revoke(idp.baseUrl, refreshTokenOf(doomed));
    expect(res.status).toBe(200);

    const refresh = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(doomed),
    });
    expect(refresh.status).toBe(400);
    expect(refresh.body['error']).toBe('invalid_grant');
    const info = await userInfo(idp.baseUrl, doomed.access_token);
    expect(info.status).toBe(401);
    expect(info.headers.get('www-authenticate')).toContain('invalid_token');

    expect((await userInfo(idp.baseUrl, survivor.access_token)).status).toBe(
      200,
    );
    const survivorRefresh = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(survivor),
    });
    expect(survivorRefresh.status).toBe(200);
  });

  it('requires client authentication', async () => {
    const tokens = await obtainTokens(idp.baseUrl, BOB);
    const res = await fetch(`${idp.baseUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshTokenOf(tokens) }).toString(),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const refresh = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(refresh.status).toBe(200);
  });
});

describe('userInfo returns the profile like Cognito', () => {
  it('returns sub, username and (email scope) email attributes as strings', async () => {
    const tokens = await obtainTokens(idp.baseUrl, ALICE);
    const res = await userInfo(idp.baseUrl, tokens.access_token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      sub: ALICE.sub,
      email_verified: 'true',
      email: 'alice@example.com',
      name: 'Alice Admin',
      username: 'alice',
    });
  });

  it('refuses a missing, forged or ID token', async () => {
    const tokens = await obtainTokens(idp.baseUrl, BOB);
    expect((await fetch(`${idp.baseUrl}/oauth2/userInfo`)).status).toBe(401);
    const [h, p] = tokens.access_token.split('.');
    const tampered = `${h}.${p}.${'A'.repeat(342)}`;
    expect((await userInfo(idp.baseUrl, tampered)).status).toBe(401);
    expect((await userInfo(idp.baseUrl, tokens.id_token)).status).toBe(401);
  });
});

describe('/logout ends the hosted-UI session like Cognito', () => {
  it('redirects to an allowed logout_uri and the next authorization asks for the password again', async () => {
    const { jar } = await signIn(idp.baseUrl, ALICE);
    const res = await get(
      `${idp.baseUrl}/logout?${new URLSearchParams({ client_id: CLIENT_ID, logout_uri: LOGOUT_URI }).toString()}`,
      jar,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(LOGOUT_URI);

    const { res: login, html } = await openLoginPage(idp.baseUrl, jar);
    expect(login.status).toBe(200);
    expect(html).toContain('<form');
  });

  it('refuses a logout_uri that is not registered', async () => {
    const res = await fetch(
      `${idp.baseUrl}/logout?${new URLSearchParams({ client_id: CLIENT_ID, logout_uri: 'https://evil.example/' }).toString()}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('Dev-only stats endpoint counts upstream calls', () => {
  it('counts token requests by grant_type and revocations', async () => {
    const before = await stats(idp.baseUrl);
    const tokens = await obtainTokens(idp.baseUrl, BOB);
    await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    await revoke(idp.baseUrl, refreshTokenOf(tokens));
    await userInfo(idp.baseUrl, tokens.access_token);
    const after = await stats(idp.baseUrl);

    const delta = (k: string) =>
      (after.token.byGrantType[k] ?? 0) - (before.token.byGrantType[k] ?? 0);
    expect(delta('authorization_code')).toBe(1);
    expect(delta('refresh_token')).toBe(2);
    expect(after.token.total - before.token.total).toBe(3);
    expect(after.revocations.total - before.revocations.total).toBe(1);
    expect(after.userInfo.total - before.userInfo.total).toBe(1);
    expect(after.logins.succeeded - before.logins.succeeded).toBe(1);
  });
});

describe('Request logs carry no secrets', () => {
  it('logs one line per request without codes, tokens, passwords or cookies', async () => {
    const { verifier, challenge } = pkcePair();
    const { code, jar } = await signIn(idp.baseUrl, ALICE, {
      codeChallenge: challenge,
    });
    const tokens = await tokenRequest(idp.baseUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    await userInfo(idp.baseUrl, String(tokens.body['access_token']));
    await new Promise((r) => setTimeout(r, 200));

    const logs = output.join('\n');
    expect(logs).toMatch(/POST \/oauth2\/token 200/);
    expect(logs).toMatch(/GET \/oauth2\/authorize 303/);
    const secrets = [
      code,
      verifier,
      challenge,
      ALICE.password,
      String(tokens.body['access_token']),
      String(tokens.body['refresh_token']),
      String(tokens.body['id_token']),
      ...jar.values(),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
