import { SignJWT, generateKeyPair, exportJWK } from 'jose';
import { createCognitoVerifier, verifyCognitoTokens } from '../index';
import type { CognitoVerifier } from '../index';
import { COGNITO_CLIENT_ID, FakeClock, USER_SUB, rsaKey, startFakeCognito } from '../../test/support';
import type { FakeCognito } from '../../test/support';

let clock: FakeClock;
let cognito: FakeCognito;
let verifier: CognitoVerifier;

beforeAll(async () => {
  clock = new FakeClock();
  cognito = await startFakeCognito(clock);
  verifier = createCognitoVerifier({ issuer: cognito.issuer, clientId: COGNITO_CLIENT_ID, jwks: { url: cognito.jwksUrl }, clock });
});
afterAll(() => cognito?.close());

describe('Cognito token verification for the gateway callback (verifyCognitoTokens)', () => {
  it('accepts a Cognito access + ID token pair and returns their claims', async () => {
    const result = await verifyCognitoTokens(verifier, { accessToken: await cognito.accessToken(), idToken: await cognito.idToken() });
    expect(result).toMatchObject({
      ok: true,
      access: { sub: USER_SUB, username: 'alice', clientId: COGNITO_CLIENT_ID, groups: ['admins', 'readers'], scopes: ['openid', 'mcp-server/read', 'mcp-server/write'] },
      id: { sub: USER_SUB, username: 'alice', email: 'alice@example.com', groups: ['admins', 'readers'] },
    });
  });

  it('accepts an access token alone', async () => {
    const result = await verifyCognitoTokens(verifier, { accessToken: await cognito.accessToken() });
    expect(result.ok && result.id).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('rejects an access token of another app client (client_id)', async () => {
    const result = await verifyCognitoTokens(verifier, { accessToken: await cognito.accessToken({ client_id: 'other' }) });
    expect(result).toMatchObject({ ok: false, token: 'access', reason: 'cognito_client_mismatch' });
  });

  it('rejects an ID token for another app client (aud)', async () => {
    const result = await verifyCognitoTokens(verifier, { accessToken: await cognito.accessToken(), idToken: await cognito.idToken({ aud: 'other' }) });
    expect(result).toMatchObject({ ok: false, token: 'id', reason: 'cognito_client_mismatch' });
  });

  it('checks token_use both ways (an ID token is not an access token and vice versa)', async () => {
    expect(await verifier.verifyAccessToken(await cognito.idToken())).toMatchObject({ ok: false, reason: 'cognito_wrong_token_use' });
    expect(await verifier.verifyIdToken(await cognito.accessToken({ aud: COGNITO_CLIENT_ID }))).toMatchObject({ ok: false, reason: 'cognito_wrong_token_use' });
  });

  it('rejects an ID token about another user (binding)', async () => {
    const result = await verifyCognitoTokens(verifier, { accessToken: await cognito.accessToken(), idToken: await cognito.idToken({ sub: 'other-user' }) });
    expect(result).toMatchObject({ ok: false, token: 'id', reason: 'binding_mismatch' });
  });

  it('rejects expired, future-issued and foreign-pool tokens', async () => {
    expect(await verifier.verifyAccessToken(await cognito.accessToken({ exp: clock.seconds - 60 }))).toMatchObject({ ok: false, reason: 'cognito_expired' });
    expect(await verifier.verifyAccessToken(await cognito.accessToken({ iat: clock.seconds + 600 }))).toMatchObject({ ok: false, reason: 'cognito_not_yet_valid' });
    expect(await verifier.verifyAccessToken(await cognito.accessToken({ iss: `${cognito.issuer}x` }))).toMatchObject({ ok: false, reason: 'cognito_issuer_mismatch' });
  });

  it('allows only RS256 (no HS256 with the public key, no ES256)', async () => {
    const hs = await new SignJWT({ sub: USER_SUB, token_use: 'access', client_id: COGNITO_CLIENT_ID, username: 'alice', iss: cognito.issuer, iat: clock.seconds, exp: clock.seconds + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: cognito.key.kid })
      .sign(new TextEncoder().encode(JSON.stringify(cognito.key.publicJwk)));
    expect(await verifier.verifyAccessToken(hs)).toMatchObject({ ok: false, reason: 'cognito_unsupported_alg' });

    const { privateKey, publicKey } = await generateKeyPair('ES256');
    cognito.server.jwks = { keys: [cognito.key.publicJwk, { ...(await exportJWK(publicKey)), kid: 'ec', alg: 'ES256' }] };
    const es = await new SignJWT({ sub: USER_SUB, token_use: 'access', client_id: COGNITO_CLIENT_ID, username: 'alice', iss: cognito.issuer, iat: clock.seconds, exp: clock.seconds + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'ec' })
      .sign(privateKey);
    expect(await verifier.verifyAccessToken(es)).toMatchObject({ ok: false, reason: 'cognito_unsupported_alg' });
  });

  it('rejects a token signed by a key the pool never published', async () => {
    const stranger = await rsaKey('not-in-pool');
    expect(await verifier.verifyAccessToken(await cognito.accessToken({}, { key: stranger }))).toMatchObject({ ok: false, reason: 'cognito_unknown_kid' });
  });

  it('rejects an access token without username', async () => {
    expect(await verifier.verifyAccessToken(await cognito.accessToken({ username: undefined }))).toMatchObject({ ok: false, reason: 'cognito_malformed' });
  });
});
