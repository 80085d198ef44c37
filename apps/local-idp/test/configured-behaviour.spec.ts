import {
  startLocalIdpProcess,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import { decodeJwt } from 'jose';
import {
  ALICE,
  clientEnv,
  obtainTokens,
  refreshTokenOf,
  tokenRequest,
  userInfo,
} from './support/oauth-client';

/** Behaviour switched by environment variables, each against its own built local-idp process. */

describe('Refresh token rotation (LOCAL_IDP_ROTATE_REFRESH_TOKENS=true, like Cognito refresh token rotation)', () => {
  let idp: LocalIdpProcess;
  beforeAll(async () => {
    idp = await startLocalIdpProcess({
      env: clientEnv({ LOCAL_IDP_ROTATE_REFRESH_TOKENS: 'true' }),
    });
  });
  afterAll(() => idp?.stop());

  it('returns a new refresh token on every refresh and refuses the old one', async () => {
    const tokens = await obtainTokens(idp.baseUrl, ALICE);
    const first = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(first.status).toBe(200);
    expect(typeof first.body['refresh_token']).toBe('string');
    expect(first.body['refresh_token']).not.toBe(tokens.refresh_token);
    expect(typeof first.body['access_token']).toBe('string');
    expect(typeof first.body['id_token']).toBe('string');

    const next = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: String(first.body['refresh_token']),
    });
    expect(next.status).toBe(200);

    const reused = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(reused.status).toBe(400);
    expect(reused.body['error']).toBe('invalid_grant');
  });
});

describe('Token lifetimes are configurable (LOCAL_IDP_ACCESS_TOKEN_TTL, LOCAL_IDP_REFRESH_TOKEN_TTL)', () => {
  let idp: LocalIdpProcess;
  beforeAll(async () => {
    idp = await startLocalIdpProcess({
      env: clientEnv({
        LOCAL_IDP_ACCESS_TOKEN_TTL: '2',
        LOCAL_IDP_REFRESH_TOKEN_TTL: '6',
      }),
    });
  });
  afterAll(() => idp?.stop());

  it('issues access tokens that expire after the configured seconds and are then refused', async () => {
    // Sleeps are measured from before the sign-in so a slow machine cannot shift the windows.
    const t0 = Date.now();
    const sleepUntil = (ms: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));
    const tokens = await obtainTokens(idp.baseUrl, ALICE);
    expect(tokens.expires_in).toBe(2);
    const claims = decodeJwt(tokens.access_token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(2);
    expect((await userInfo(idp.baseUrl, tokens.access_token)).status).toBe(200);

    await sleepUntil(3200);
    const expired = await userInfo(idp.baseUrl, tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('expired');
    // The refresh token (6 s) still works and yields a fresh access token.
    const refreshed = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(refreshed.status).toBe(200);
    expect(
      (await userInfo(idp.baseUrl, String(refreshed.body['access_token'])))
        .status,
    ).toBe(200);

    await sleepUntil(7500);
    const dead = await tokenRequest(idp.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshTokenOf(tokens),
    });
    expect(dead.status).toBe(400);
    expect(dead.body['error']).toBe('invalid_grant');
  });
});

describe('Persisted signing keys (LOCAL_IDP_SIGNING_JWKS) survive a restart', () => {
  it('publishes the configured key and signs with it', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const jwk = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    }).privateKey.export({ format: 'jwk' });
    const env = clientEnv({
      LOCAL_IDP_SIGNING_JWKS: JSON.stringify({
        keys: [{ ...jwk, kid: 'persisted-1' }],
      }),
    });
    const idp = await startLocalIdpProcess({ env });
    try {
      const { keys } = (await (
        await fetch(`${idp.issuer}/.well-known/jwks.json`)
      ).json()) as { keys: { kid: string; n: string }[] };
      expect(keys).toEqual([
        expect.objectContaining({ kid: 'persisted-1', n: jwk.n }),
      ]);
      // One configured key: ID and access tokens share it (Cognito's two-key layout needs a second key).
      const tokens = await obtainTokens(idp.baseUrl, ALICE);
      const { kid } = JSON.parse(
        Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString(),
      ) as { kid: string };
      expect(kid).toBe('persisted-1');
    } finally {
      await idp.stop();
    }
  });
});

describe('Launcher reports a bad configuration clearly', () => {
  it('fails fast with every invalid variable and the child output', async () => {
    const start = startLocalIdpProcess({
      env: clientEnv({
        LOCAL_IDP_ACCESS_TOKEN_TTL: 'soon',
        COGNITO_USER_POOL_ID: 'not a pool',
        LOCAL_IDP_REDIRECT_URIS: 'http://evil.example/cb',
      }),
      startTimeoutMs: 10_000,
    });
    await expect(start).rejects.toThrow(/exited with code 2/);
    await expect(start).rejects.toThrow(/LOCAL_IDP_ACCESS_TOKEN_TTL/);
    await expect(start).rejects.toThrow(/COGNITO_USER_POOL_ID/);
    await expect(start).rejects.toThrow(/LOCAL_IDP_REDIRECT_URIS/);
  });
});
