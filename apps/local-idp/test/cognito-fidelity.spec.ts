import {
  startLocalIdpProcess,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
} from 'jose';
import {
  ALICE,
  CLIENT_ID,
  CLIENT_SECRET,
  clientEnv,
  obtainTokens,
  pkcePair,
  refreshTokenOf,
  REDIRECT_URI,
  revoke,
  signIn,
  tokenRequest,
  userInfo,
} from './support/oauth-client';

/**
 * The Cognito behaviours local-idp plays by default (README "Cognito fidelity"), each against the built server over
 * loopback HTTP, and the switch that turns each off where there is one.
 */

/** A client whose secret holds every character of Cognito secrets and base64 that URL-encoding changes. */
const PLUS_CLIENT = {
  clientId: 'plus-client',
  clientSecret: 'Ab+cd/ef=gh+ij/kl=mn+op/qr=st+uv',
  redirectUris: [REDIRECT_URI],
};

/** A client used only by the secret-rotation test. */
const ROTATING_CLIENT = {
  clientId: 'rotating-client',
  clientSecret: 'rotatingSecret0123456789abcdef',
  redirectUris: [REDIRECT_URI],
};

const CAROL = {
  email: 'carol@example.com',
  password: 'carol-dev-password',
  sub: 'c3a1f0e2-9b4d-4e7a-8c15-2d6f0b9e4a71',
};

const devApi = (idp: LocalIdpProcess, path: string, init?: RequestInit) =>
  fetch(`${idp.baseUrl}/__local-idp${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** RFC 6749 §2.3.1 client_secret_basic: form-urlencode id and secret, then Base64. */
const rfc6749Basic = (id: string, secret: string) => {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return basic(enc(id), enc(secret));
};

async function codeFor(
  idp: LocalIdpProcess,
  clientId: string,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const { code } = await signIn(idp.baseUrl, ALICE, {
    clientId,
    codeChallenge: challenge,
  });
  return { code, verifier };
}

async function exchange(
  idp: LocalIdpProcess,
  authorization: string,
  code: { code: string; verifier: string },
): Promise<Response> {
  return fetch(`${idp.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: code.verifier,
    }).toString(),
  });
}

describe('Cognito defaults (one local-idp with no fidelity switch set)', () => {
  let idp: LocalIdpProcess;
  beforeAll(async () => {
    idp = await startLocalIdpProcess({
      env: clientEnv({
        LOCAL_IDP_CLIENTS: JSON.stringify([PLUS_CLIENT, ROTATING_CLIENT]),
      }),
    });
  });
  afterAll(() => idp?.stop());

  describe('the issuer is its own origin (cognito-idp.<region>.amazonaws.com), apart from the hosted domain', () => {
    it('serves discovery and JWKS on the issuer origin only', async () => {
      expect(new URL(idp.issuer).origin).not.toBe(idp.baseUrl);
      const doc = (await (
        await fetch(`${idp.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      expect(doc['issuer']).toBe(idp.issuer);
      expect(doc['jwks_uri']).toBe(`${idp.issuer}/.well-known/jwks.json`);
      expect(doc['token_endpoint']).toBe(`${idp.baseUrl}/oauth2/token`);
      const onDomain = `${idp.baseUrl}/${idp.userPoolId}/.well-known`;
      expect((await fetch(`${onDomain}/openid-configuration`)).status).toBe(
        404,
      );
      expect((await fetch(`${onDomain}/jwks.json`)).status).toBe(404);
      // The issuer origin serves nothing of the hosted domain.
      expect(
        (await fetch(`${idp.issuerBaseUrl}/oauth2/token`, { method: 'POST' }))
          .status,
      ).toBe(404);
    });
  });

  describe('ID and access tokens are signed by two keys; the keys rotate at run time', () => {
    it('publishes both kids, and after a rotation signs with new ones while the old tokens still verify', async () => {
      const before = await obtainTokens(idp.baseUrl, ALICE);
      const kids = (t: { access_token: string; id_token: string }) => [
        decodeProtectedHeader(t.access_token).kid,
        decodeProtectedHeader(t.id_token).kid,
      ];
      const [access1, id1] = kids(before);
      expect(access1).not.toBe(id1);
      const jwks = async () =>
        (await (await fetch(`${idp.issuer}/.well-known/jwks.json`)).json()) as {
          keys: { kid: string }[];
        };
      expect((await jwks()).keys.map((k) => k.kid)).toEqual(
        expect.arrayContaining([access1, id1]),
      );

      const rotated = await devApi(idp, '/keys/rotate', {
        method: 'POST',
        body: '{}',
      });
      expect(rotated.status).toBe(200);
      const after = await obtainTokens(idp.baseUrl, ALICE);
      const [access2, id2] = kids(after);
      expect([access2, id2]).not.toContain(access1);
      expect([access2, id2]).not.toContain(id1);
      const set = await jwks();
      expect(set.keys.map((k) => k.kid)).toEqual(
        expect.arrayContaining([access1, id1, access2, id2]),
      );
      // A relying party holding the new key set verifies tokens from before and after.
      const local = createLocalJWKSet(set as never);
      for (const t of [before.access_token, after.access_token, after.id_token])
        await expect(
          jwtVerify(t, local, { issuer: idp.issuer }),
        ).resolves.toBeDefined();
      expect((await userInfo(idp.baseUrl, before.access_token)).status).toBe(
        200,
      );

      // Retiring drops every key but the newest pair: older tokens no longer verify anywhere.
      await devApi(idp, '/keys/rotate', {
        method: 'POST',
        body: '{"retire":true}',
      });
      const remote = createRemoteJWKSet(
        new URL(`${idp.issuer}/.well-known/jwks.json`),
      );
      await expect(
        jwtVerify(after.access_token, remote, { issuer: idp.issuer }),
      ).rejects.toThrow();
      expect((await userInfo(idp.baseUrl, after.access_token)).status).toBe(
        401,
      );
    });
  });

  describe('token revocation can be disabled for the app client (Cognito EnableTokenRevocation)', () => {
    afterEach(() =>
      devApi(idp, `/clients/${CLIENT_ID}`, {
        method: 'PATCH',
        body: '{"EnableTokenRevocation":true}',
      }),
    );

    it('answers 400 invalid_request while disabled, and the refresh token stays alive', async () => {
      const tokens = await obtainTokens(idp.baseUrl, ALICE);
      const off = await devApi(idp, `/clients/${CLIENT_ID}`, {
        method: 'PATCH',
        body: '{"EnableTokenRevocation":false}',
      });
      expect(await off.json()).toEqual({
        ClientId: CLIENT_ID,
        EnableTokenRevocation: false,
      });
      const refused = await revoke(idp.baseUrl, refreshTokenOf(tokens));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ error: 'invalid_request' });
      const still = await tokenRequest(idp.baseUrl, {
        grant_type: 'refresh_token',
        refresh_token: refreshTokenOf(tokens),
      });
      expect(still.status).toBe(200);

      await devApi(idp, `/clients/${CLIENT_ID}`, {
        method: 'PATCH',
        body: '{"EnableTokenRevocation":true}',
      });
      expect((await revoke(idp.baseUrl, refreshTokenOf(tokens))).status).toBe(
        200,
      );
    });

    it('answers 401 invalid_client for wrong client credentials, and revokes nothing', async () => {
      const tokens = await obtainTokens(idp.baseUrl, ALICE);
      const res = await fetch(`${idp.baseUrl}/oauth2/revoke`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(CLIENT_ID, 'not-the-secret'),
        },
        body: new URLSearchParams({
          token: refreshTokenOf(tokens),
        }).toString(),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_client' });
      const still = await tokenRequest(idp.baseUrl, {
        grant_type: 'refresh_token',
        refresh_token: refreshTokenOf(tokens),
      });
      expect(still.status).toBe(200);
    });
  });

  describe('client authentication as Cognito documents it: Basic Base64(client_id:client_secret), not URL-decoded', () => {
    it('accepts a secret with +, / and = as it is', async () => {
      const res = await exchange(
        idp,
        basic(PLUS_CLIENT.clientId, PLUS_CLIENT.clientSecret),
        await codeFor(idp, PLUS_CLIENT.clientId),
      );
      expect(res.status).toBe(200);
    });

    it('refuses the RFC 6749 §2.3.1 form-urlencoded spelling of that secret (401 invalid_client)', async () => {
      const res = await exchange(
        idp,
        rfc6749Basic(PLUS_CLIENT.clientId, PLUS_CLIENT.clientSecret),
        await codeFor(idp, PLUS_CLIENT.clientId),
      );
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_client' });
    });
  });

  describe('two active client secrets (AddUserPoolClientSecret / DeleteUserPoolClientSecret)', () => {
    it('authenticates with either secret during a rotation, at most two, and never without one', async () => {
      const { clientId, clientSecret } = ROTATING_CLIENT;
      const secretsUrl = `/clients/${clientId}/secrets`;
      const listed = (await (await devApi(idp, secretsUrl)).json()) as {
        ClientSecrets: { ClientSecretId: string }[];
      };
      expect(listed.ClientSecrets).toHaveLength(1);
      const oldId = listed.ClientSecrets[0]!.ClientSecretId;

      const added = await devApi(idp, secretsUrl, {
        method: 'POST',
        body: '{}',
      });
      expect(added.status).toBe(200);
      const { ClientSecretDescriptor: d } = (await added.json()) as {
        ClientSecretDescriptor: {
          ClientSecretId: string;
          ClientSecretValue: string;
        };
      };
      expect(d.ClientSecretValue).toMatch(/^[a-z0-9]{52}$/);

      const issued = await exchange(
        idp,
        basic(clientId, clientSecret),
        await codeFor(idp, clientId),
      );
      const { refresh_token } = (await issued.json()) as {
        refresh_token: string;
      };
      const refreshWith = (secret: string) =>
        tokenRequest(
          idp.baseUrl,
          { grant_type: 'refresh_token', refresh_token },
          'basic',
          { id: clientId, secret },
        );
      expect((await refreshWith(clientSecret)).status).toBe(200);
      expect((await refreshWith(d.ClientSecretValue)).status).toBe(200);

      const third = await devApi(idp, secretsUrl, {
        method: 'POST',
        body: '{}',
      });
      expect(third.status).toBe(400);
      expect(((await third.json()) as { __type: string }).__type).toBe(
        'LimitExceededException',
      );

      const deleted = await devApi(idp, `${secretsUrl}/${oldId}`, {
        method: 'DELETE',
      });
      expect(deleted.status).toBe(200);
      expect((await refreshWith(clientSecret)).status).toBe(401);
      // The sign-in made with the old secret lives on with the new one.
      expect((await refreshWith(d.ClientSecretValue)).status).toBe(200);
      const last = await devApi(idp, `${secretsUrl}/${d.ClientSecretId}`, {
        method: 'DELETE',
      });
      expect(last.status).toBe(400);
    });
  });

  describe('injected faults at /oauth2/token and /oauth2/revoke, as Cognito answers them', () => {
    afterEach(() => devApi(idp, '/faults', { method: 'DELETE' }));

    const refresh = (t: { refresh_token?: string }) =>
      tokenRequest(idp.baseUrl, {
        grant_type: 'refresh_token',
        refresh_token: refreshTokenOf(t),
      });

    it('throttling is HTTP 400 TooManyRequestsException (an AWS error, not an OAuth one), then normal service', async () => {
      const tokens = await obtainTokens(idp.baseUrl, ALICE);
      await devApi(idp, '/faults', {
        method: 'POST',
        body: JSON.stringify({ endpoint: 'token', kind: 'throttle', times: 2 }),
      });
      for (let i = 0; i < 2; i++) {
        const throttled = await fetch(`${idp.baseUrl}/oauth2/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic(CLIENT_ID, CLIENT_SECRET),
          },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: refreshTokenOf(tokens),
          }).toString(),
        });
        expect(throttled.status).toBe(400);
        expect(throttled.headers.get('x-amzn-errortype')).toBe(
          'TooManyRequestsException',
        );
        expect(await throttled.json()).toEqual({
          __type: 'TooManyRequestsException',
          message: 'Rate exceeded',
        });
      }
      expect((await refresh(tokens)).status).toBe(200);
    });

    it('429 carries Retry-After; 503 has an HTML body; slow answers take their delay', async () => {
      await devApi(idp, '/faults', {
        method: 'POST',
        body: JSON.stringify({
          endpoint: 'token',
          kind: 'too-many-requests',
          retryAfterSeconds: 7,
        }),
      });
      const r429 = await refresh({ refresh_token: 'x' });
      expect(r429.status).toBe(429);
      expect(r429.headers.get('retry-after')).toBe('7');

      await devApi(idp, '/faults', {
        method: 'POST',
        body: JSON.stringify({ endpoint: 'revoke', kind: 'unavailable' }),
      });
      const r503 = await revoke(idp.baseUrl, 'x');
      expect(r503.status).toBe(503);
      expect(r503.headers.get('content-type')).toContain('text/html');
      expect(await r503.text()).toContain('<html>');

      await devApi(idp, '/faults', {
        method: 'POST',
        body: JSON.stringify({ endpoint: 'token', kind: 'slow', delayMs: 700 }),
      });
      const started = Date.now();
      const slow = await refresh({ refresh_token: 'unknown' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(650);
      expect(slow.status).toBe(400);
      expect(slow.body).toEqual({ error: 'invalid_grant' });
    });
  });

  describe('email as the username attribute: the username is a UUID (the user signs in with their email)', () => {
    it('puts the UUID in username and cognito:username', async () => {
      const tokens = await obtainTokens(idp.baseUrl, {
        username: CAROL.email,
        password: CAROL.password,
      });
      expect(decodeJwt(tokens.access_token)).toMatchObject({
        sub: CAROL.sub,
        username: CAROL.sub,
      });
      expect(decodeJwt(tokens.id_token)).toMatchObject({
        'cognito:username': CAROL.sub,
        email: CAROL.email,
      });
    });
  });
});

describe('RFC 6749 §2.3.1 decoding of Basic credentials (LOCAL_IDP_BASIC_AUTH=rfc6749)', () => {
  let idp: LocalIdpProcess;
  beforeAll(async () => {
    idp = await startLocalIdpProcess({
      env: clientEnv({
        LOCAL_IDP_BASIC_AUTH: 'rfc6749',
        LOCAL_IDP_CLIENTS: JSON.stringify([PLUS_CLIENT]),
      }),
    });
  });
  afterAll(() => idp?.stop());

  it('accepts the form-urlencoded spelling, and (like oidc-provider) reads a raw "+" as a space', async () => {
    const encoded = await exchange(
      idp,
      rfc6749Basic(PLUS_CLIENT.clientId, PLUS_CLIENT.clientSecret),
      await codeFor(idp, PLUS_CLIENT.clientId),
    );
    expect(encoded.status).toBe(200);
    const raw = await exchange(
      idp,
      basic(PLUS_CLIENT.clientId, PLUS_CLIENT.clientSecret),
      await codeFor(idp, PLUS_CLIENT.clientId),
    );
    expect(raw.status).toBe(401);
  });
});

describe('refresh-token rotation with a retry grace period and the original expiry (Cognito refresh token rotation)', () => {
  let idp: LocalIdpProcess;
  beforeAll(async () => {
    idp = await startLocalIdpProcess({
      env: clientEnv({
        LOCAL_IDP_ROTATE_REFRESH_TOKENS: 'true',
        LOCAL_IDP_REFRESH_TOKEN_GRACE_SECONDS: '2',
        LOCAL_IDP_REFRESH_TOKEN_TTL: '8',
      }),
    });
  });
  afterAll(() => idp?.stop());

  const refresh = (token: string) =>
    tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: token,
    });

  it('keeps the replaced token usable for the grace period only, without ending the sign-in, and never extends the expiry', async () => {
    const t0 = Date.now();
    const sleepUntil = (ms: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));
    const tokens = await obtainTokens(idp.baseUrl, ALICE);
    const first = await refresh(refreshTokenOf(tokens));
    expect(first.status).toBe(200);
    const successor = String(first.body['refresh_token']);
    expect(successor).not.toBe(tokens.refresh_token);

    // A retry inside the grace period works (client-side retries).
    expect((await refresh(refreshTokenOf(tokens))).status).toBe(200);
    await sleepUntil(3200);
    const late = await refresh(refreshTokenOf(tokens));
    expect(late.status).toBe(400);
    expect(late.body['error']).toBe('invalid_grant');
    // Unlike oidc-provider's reuse detection, the sign-in lives on: the successor still works.
    const next = await refresh(successor);
    expect(next.status).toBe(200);

    // Each new refresh token lives only for the remaining time of the original (8 s from sign-in).
    await sleepUntil(8600);
    const expired = await refresh(String(next.body['refresh_token']));
    expect(expired.status).toBe(400);
    expect(expired.body['error']).toBe('invalid_grant');
  }, 20_000);
});

describe('issuer under the hosted domain (LOCAL_IDP_SEPARATE_ISSUER_ORIGIN=false)', () => {
  it('serves discovery and JWKS at <domain>/<pool>', async () => {
    const idp = await startLocalIdpProcess({
      env: clientEnv({ LOCAL_IDP_SEPARATE_ISSUER_ORIGIN: 'false' }),
    });
    try {
      expect(idp.issuer).toBe(`${idp.baseUrl}/${idp.userPoolId}`);
      const doc = (await (
        await fetch(`${idp.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      expect(doc['jwks_uri']).toBe(`${idp.issuer}/.well-known/jwks.json`);
      const tokens = await obtainTokens(idp.baseUrl, ALICE);
      const jwks = createRemoteJWKSet(new URL(doc['jwks_uri']!));
      await expect(
        jwtVerify(tokens.access_token, jwks, { issuer: idp.issuer }),
      ).resolves.toBeDefined();
    } finally {
      await idp.stop();
    }
  });
});
