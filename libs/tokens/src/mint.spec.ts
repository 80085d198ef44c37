import { decodeJwt, decodeProtectedHeader } from 'jose';
import { MintError, createAccessTokenSigner, decryptWithKeyRing, mintAccessToken } from './index';
import type { MintAccessTokenInput } from './index';
import { GATEWAY_ISSUER, MCP_CLIENT_ID, RESOURCE, USER_SUB, createGatewayFixture } from '../test/support';
import type { GatewayFixture } from '../test/support';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await createGatewayFixture();
});
afterAll(() => fx?.close());

async function input(cognitoOverrides = {}, overrides: Partial<MintAccessTokenInput> = {}): Promise<MintAccessTokenInput> {
  return {
    subject: USER_SUB,
    audience: RESOURCE,
    clientId: MCP_CLIENT_ID,
    scope: ['mcp-server/read', 'mcp-server/write'],
    cognitoAccessToken: await fx.cognito.accessToken(cognitoOverrides),
    ...overrides,
  };
}

describe('RFC 9068 §2 access token format (minting)', () => {
  it('RFC 9068 §2.1: header typ "at+jwt", alg ES256, kid of the active key', async () => {
    const { token } = await mintAccessToken(await input(), fx.signer);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: fx.signingKeys.active.kid });
  });

  it('RFC 9068 §2.2: carries iss, sub (the user), aud (one string), client_id, scope, jti, iat, exp, cognito_token', async () => {
    const minted = await mintAccessToken(await input(), fx.signer);
    const claims = decodeJwt(minted.token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'client_id', 'cognito_token', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect(claims).toMatchObject({
      iss: GATEWAY_ISSUER,
      sub: USER_SUB,
      aud: RESOURCE,
      client_id: MCP_CLIENT_ID,
      scope: 'mcp-server/read mcp-server/write',
      jti: minted.jti,
      iat: fx.clock.seconds,
      exp: fx.clock.seconds + 3600,
    });
    expect(minted).toMatchObject({ issuedAt: fx.clock.seconds, expiresAt: fx.clock.seconds + 3600, expiresIn: 3600 });
  });

  it('docs/architecture.md#revocation: grant_ref (the grant\'s one-way reference) when given, beside the RFC 9068 claims', async () => {
    const claims = decodeJwt((await mintAccessToken(await input({}, { grantRef: '0123456789abcdef' }), fx.signer)).token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'client_id', 'cognito_token', 'exp', 'grant_ref', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect(claims['grant_ref']).toBe('0123456789abcdef');
    await expect(mintAccessToken(await input({}, { grantRef: '' }), fx.signer)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('RFC 7519 §4.1.7: jti is random per token', async () => {
    const a = await mintAccessToken(await input(), fx.signer);
    const b = await mintAccessToken(await input(), fx.signer);
    expect(a.jti).not.toBe(b.jti);
    expect(a.jti.length).toBeGreaterThanOrEqual(22);
  });

  it('uses the injected clock and a per-call ttl', async () => {
    const signer = createAccessTokenSigner({ ...fx.signer, accessTokenTtlSeconds: 900, clock: { now: () => Date.UTC(2030, 0, 1) } });
    const cognitoAccessToken = await fx.cognito.accessToken({ exp: Date.UTC(2030, 0, 1) / 1000 + 7200 });
    const a = await mintAccessToken({ ...(await input()), cognitoAccessToken }, signer);
    expect(a).toMatchObject({ issuedAt: Date.UTC(2030, 0, 1) / 1000, expiresIn: 900 });
    const b = await mintAccessToken({ ...(await input()), cognitoAccessToken, ttlSeconds: 60 }, signer);
    expect(b.expiresIn).toBe(60);
  });
});

describe('docs/architecture.md#tokens: exp never later than the embedded Cognito token exp', () => {
  it('caps exp at the Cognito token exp', async () => {
    const cognitoExp = fx.clock.seconds + 120;
    const minted = await mintAccessToken(await input({ exp: cognitoExp }), fx.signer);
    expect(minted.expiresAt).toBe(cognitoExp);
    expect(decodeJwt(minted.token).exp).toBe(cognitoExp);
  });

  it('never exceeds the Cognito exp for any ttl', async () => {
    for (const [ttl, left] of [[1, 3600], [3600, 1], [3599, 3600], [86400, 3599]]) {
      const cognitoExp = fx.clock.seconds + left;
      const minted = await mintAccessToken(await input({ exp: cognitoExp }, { ttlSeconds: ttl }), fx.signer);
      expect(minted.expiresAt).toBeLessThanOrEqual(cognitoExp);
      expect(minted.expiresAt).toBe(Math.min(fx.clock.seconds + ttl, cognitoExp));
    }
  });

  it('refuses to mint with an expired Cognito token', async () => {
    const promise = mintAccessToken(await input({ exp: fx.clock.seconds, iat: fx.clock.seconds - 3600 }), fx.signer);
    await expect(promise).rejects.toMatchObject({ name: 'MintError', code: 'cognito_token_expired' });
  });

  it('refuses a subject that is not the Cognito token sub', async () => {
    await expect(mintAccessToken(await input({}, { subject: 'someone-else' }), fx.signer)).rejects.toBeInstanceOf(MintError);
    await expect(mintAccessToken(await input({}, { subject: 'someone-else' }), fx.signer)).rejects.toMatchObject({ code: 'subject_mismatch' });
  });

  it('refuses a cognito token that is not a JWT, and invalid scope tokens', async () => {
    await expect(mintAccessToken({ ...(await input()), cognitoAccessToken: 'opaque' }, fx.signer)).rejects.toMatchObject({ code: 'cognito_token_unreadable' });
    await expect(mintAccessToken(await input({}, { scope: ['a"b'] }), fx.signer)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('docs/architecture.md#tokens: cognito_token is not readable by the bearer', () => {
  it('holds a compact JWE (dir, A256GCM, kid) - not a JWS, no Cognito token substring', async () => {
    const mintInput = await input();
    const { token } = await mintAccessToken(mintInput, fx.signer);
    const sealed = decodeJwt(token)['cognito_token'] as string;
    expect(sealed.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(sealed)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: fx.ring.active.kid });
    expect(() => decodeJwt(sealed)).toThrow();

    const payloadJson = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
    const [ch, cp, cs] = mintInput.cognitoAccessToken.split('.');
    for (const part of [mintInput.cognitoAccessToken, ch, cp, cs, cp.slice(0, 24), cs.slice(0, 24), 'alice', 'admins']) {
      expect(token).not.toContain(part);
      expect(payloadJson).not.toContain(part);
    }
  });

  it('opens with the token encryption ring to exactly the Cognito token', async () => {
    const mintInput = await input();
    const { token } = await mintAccessToken(mintInput, fx.signer);
    const opened = await decryptWithKeyRing(decodeJwt(token)['cognito_token'] as string, fx.ring);
    expect(opened).toEqual({ ok: true, plaintext: mintInput.cognitoAccessToken, kid: fx.ring.active.kid });
  });
});
