import { KeyObject, sign, verify } from 'node:crypto';
import { SignJWT, exportSPKI, importJWK } from 'jose';
import type { CryptoKey } from 'jose';
import { generateSigningKeySet, mintAccessToken, parseSigningKeySet, encryptWithKeyRing, generateEncryptionKeySet, parseEncryptionKeyRing } from '../index';
import type { AccessTokenVerifier, VerifyResult } from '../index';
import { COGNITO_CLIENT_ID, GATEWAY_ISSUER, MCP_CLIENT_ID, RESOURCE, USER_SUB, b64json, createGatewayFixture, rsaKey } from '../../test/support';
import type { GatewayFixture } from '../../test/support';
import { isCanonicalEs256Signature, lowSEs256Signature } from '../ecdsa-low-s';

let fx: GatewayFixture;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  fx = await createGatewayFixture();
});
afterAll(() => fx?.close());
beforeEach(() => {
  verifier = fx.verifier();
});

async function mint(cognitoOverrides = {}, input: Partial<Parameters<typeof mintAccessToken>[0]> = {}) {
  const cognitoAccessToken = await fx.cognito.accessToken(cognitoOverrides);
  return mintAccessToken(
    { subject: USER_SUB, audience: RESOURCE, clientId: MCP_CLIENT_ID, scope: ['mcp-server/read', 'mcp-server/write'], cognitoAccessToken, ...input },
    fx.signer,
  );
}

function expectFailure(result: VerifyResult, reason: string) {
  expect(result).toMatchObject({ ok: false, reason });
}

describe('RFC 9068 §4 access token validation', () => {
  it('accepts a minted token and returns the principal (happy path)', async () => {
    const { token, jti, expiresAt, issuedAt } = await mint();
    const result = await verifier.verify(token);
    expect(result).toEqual({
      ok: true,
      principal: {
        sub: USER_SUB,
        username: 'alice',
        clientId: MCP_CLIENT_ID,
        scopes: ['mcp-server/read', 'mcp-server/write'],
        groups: ['admins', 'readers'],
        jti,
        issuedAt,
        expiresAt,
        audience: RESOURCE,
      },
    });
  });

  it('rejects garbage as malformed', async () => {
    expectFailure(await verifier.verify('not-a-token'), 'malformed');
    expectFailure(await verifier.verify('a.b.c'), 'malformed');
    expectFailure(await verifier.verify(''), 'malformed');
  });

  it('rejects an expired token (exp beyond the clock tolerance)', async () => {
    const { token } = await mint();
    fx.clock.advanceSeconds(3600 + 31);
    try {
      expectFailure(await verifier.verify(token), 'expired');
    } finally {
      fx.clock.advanceSeconds(-(3600 + 31));
    }
  });

  it('tolerates clock skew up to the configured tolerance on exp', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { exp: fx.clock.seconds - 20 }));
    expect((await verifier.verify(token)).ok).toBe(true);
    const strict = fx.verifier({ clockToleranceSeconds: 5 });
    expectFailure(await strict.verify(token), 'expired');
  });

  it('rejects a token that is not yet valid (nbf in the future)', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { nbf: fx.clock.seconds + 120 }));
    expectFailure(await verifier.verify(token), 'not_yet_valid');
  });

  it('rejects a token issued in the future (iat beyond the tolerance)', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { iat: fx.clock.seconds + 120 }));
    expectFailure(await verifier.verify(token), 'not_yet_valid');
  });

  it('rejects a bad signature (payload altered after signing)', async () => {
    const { token } = await mint();
    const [h, , s] = token.split('.');
    const forged = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { scope: 'mcp-server/admin' }));
    const alteredPayload = forged.split('.')[1];
    expectFailure(await verifier.verify(`${h}.${alteredPayload}.${s}`), 'bad_signature');
  });

  it('rejects a token signed by another key that claims the same kid', async () => {
    const other = await parseSigningKeySet(await generateSigningKeySet());
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: fx.signingKeys.active.kid })
      .sign(other.active.privateKey);
    expectFailure(await verifier.verify(token), 'bad_signature');
  });

  it('RFC 8725 §3.1: rejects alg "none" (unsigned token crafted by hand)', async () => {
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    const token = `${b64json({ alg: 'none', typ: 'at+jwt', kid: fx.signingKeys.active.kid })}.${b64json(claims)}.`;
    // Refused by the allow-list itself, before any key lookup.
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'unsupported_alg', detail: expect.stringContaining('not allowed') });
  });

  it('RFC 8725 §2.1: rejects HS256 signed with the public key (key confusion)', async () => {
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    const publicPem = await exportSPKI((await importJWK(fx.signingKeys.active.publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    for (const secret of [publicPem, JSON.stringify(fx.signingKeys.active.publicJwk)]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: fx.signingKeys.active.kid })
        .sign(new TextEncoder().encode(secret));
      // Refused by the ES256-only allow-list, before any key lookup (not by a lucky JWKS miss).
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'unsupported_alg', detail: expect.stringContaining('not allowed') });
    }
  });

  it('RFC 7515 §4.1.11: rejects a critical header extension it does not understand, and RFC 7797 unencoded payloads', async () => {
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    // Validly signed (by hand: jose will not sign an unknown critical extension), so the refusal is about the header.
    const signedByHand = (header: Record<string, unknown>) => {
      const input = `${b64json({ alg: 'ES256', typ: 'at+jwt', kid: fx.signingKeys.active.kid, ...header })}.${b64json(claims)}`;
      const key = { key: KeyObject.from(fx.signingKeys.active.privateKey as never), dsaEncoding: 'ieee-p1363' as const };
      return `${input}.${Buffer.from(lowSEs256Signature(sign('sha256', Buffer.from(input), key))).toString('base64url')}`;
    };
    const crit = signedByHand({ crit: ['x-ext'], 'x-ext': 1 });
    expect(await verifier.verify(crit)).toMatchObject({ ok: false, reason: 'unsupported_alg', detail: expect.stringContaining('crit') });
    expect(await verifier.verify(signedByHand({}))).toMatchObject({ ok: true });
    const b64 = signedByHand({ b64: true });
    expectFailure(await verifier.verify(b64), 'malformed');
  });

  it('RFC 7515 §2: a segment that is not strict base64url is refused even if a lenient decoder would accept it', async () => {
    const { token } = await mint();
    const [h, p, s] = token.split('.') as [string, string, string];
    // Node's base64url decoder skips these characters, ignores the unused low bits of the last one and drops a
    // lone trailing one: each forgery below decodes to exactly the bytes of the real token.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.slice(-1));
    const sameBytes = `${s.slice(0, -1)}${alphabet[last ^ 1]}`; // 64 bytes = 86 chars: the last one has 2 unused bits
    expect(Buffer.from(sameBytes, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    const forgeries = [`${h}.${p}.${s}!`, `${h}.${p}=.${s}`, `${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`, `${h}.${p}.${sameBytes}`, `${h}.${p}.${s}A`];
    for (const forged of forgeries) {
      const result = await verifier.verify(forged);
      expect(result.ok).toBe(false);
    }
    // ... while the untouched token is fine (the refusals above are about the encoding).
    expect((await verifier.verify(token)).ok).toBe(true);
  });

  describe('one spelling per token: ES256 signatures in low-S form only (BIP 62 rule; the twin (r, n - s) verifies too)', () => {
    const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const twinOf = (token: string) => {
      const [h, p, sig] = token.split('.') as [string, string, string];
      const bytes = Buffer.from(sig, 'base64url');
      const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
      const twin = Buffer.concat([bytes.subarray(0, 32), Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')]);
      return `${h}.${p}.${twin.toString('base64url')}`;
    };

    it('every token the gateway mints carries a low-S signature', async () => {
      for (let i = 0; i < 20; i++) {
        const { token } = await mint();
        expect(isCanonicalEs256Signature(Buffer.from(token.split('.')[2] as string, 'base64url'))).toBe(true);
      }
    });

    it('the high-S twin of a valid token - a valid ECDSA signature - is refused as bad_signature, the original accepted', async () => {
      const { token } = await mint();
      const twin = twinOf(token);
      expect(twin).not.toBe(token);
      // The twin really is a valid ECDSA signature over the same input (so only the canonical-form rule refuses it).
      const [h, p, sig] = twin.split('.') as [string, string, string];
      const publicKey = KeyObject.from((await importJWK(fx.signingKeys.active.publicJwk, 'ES256')) as never);
      expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))).toBe(true);
      expect(await verifier.verify(twin)).toMatchObject({ ok: false, reason: 'bad_signature', detail: expect.stringContaining('low-S') });
      expect((await verifier.verify(token)).ok).toBe(true);
    });

    it('r or s of zero, or not below the group order, is refused before any key is used', async () => {
      const { token } = await mint();
      const [h, p, sig] = token.split('.') as [string, string, string];
      const bytes = Buffer.from(sig, 'base64url');
      const zeroR = Buffer.concat([Buffer.alloc(32), bytes.subarray(32)]);
      const bigR = Buffer.concat([Buffer.from(P256_N.toString(16), 'hex'), bytes.subarray(32)]);
      for (const forged of [zeroR, bigR]) {
        expect(await verifier.verify(`${h}.${p}.${forged.toString('base64url')}`)).toMatchObject({ ok: false, reason: 'bad_signature' });
      }
    });
  });

  it('RFC 8725 §3.1: a resolver\'s key must have been imported for the algorithm and for verify (not an ECDH key of the same curve)', async () => {
    const { token } = await mint();
    const ecdh = await importJWK({ ...fx.signingKeys.active.publicJwk, alg: 'ECDH-ES' }, 'ECDH-ES');
    const strict = fx.verifier({ gatewayJwks: { getKey: async () => ecdh } });
    expect(await strict.verify(token)).toMatchObject({ ok: false, reason: 'unsupported_alg' });
    // The same key material imported for ES256 verifies: the refusal is about what the key was imported for.
    const es256 = await importJWK(fx.signingKeys.active.publicJwk, 'ES256');
    expect(await fx.verifier({ gatewayJwks: { getKey: async () => es256 } }).verify(token)).toMatchObject({ ok: true });
  });

  it('RFC 7518 §3.4: an ES256 signature in DER form (not R || S) does not verify', async () => {
    const { token } = await mint();
    const [h, p, s] = token.split('.') as [string, string, string];
    const raw = Buffer.from(s, 'base64url');
    const int = (b: Buffer) => {
      let v = b;
      while (v.length > 1 && v[0] === 0 && (v[1] as number) < 0x80) v = v.subarray(1);
      return (v[0] as number) >= 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v;
    };
    const r = int(raw.subarray(0, 32));
    const sv = int(raw.subarray(32));
    const der = Buffer.concat([Buffer.from([0x30, r.length + sv.length + 4, 0x02, r.length]), r, Buffer.from([0x02, sv.length]), sv]);
    expectFailure(await verifier.verify(`${h}.${p}.${der.toString('base64url')}`), 'bad_signature');
  });

  it('rejects a token from another issuer (iss byte-identical: no trailing slash tolerated)', async () => {
    for (const iss of ['https://evil.example.com', `${GATEWAY_ISSUER}/`]) {
      const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { iss }));
      expectFailure(await verifier.verify(token), 'issuer_mismatch');
    }
  });

  it('RFC 8707: rejects a token for another resource (aud)', async () => {
    const { token } = await mint({}, { audience: 'https://other.example.com/mcp' });
    expectFailure(await verifier.verify(token), 'audience_mismatch');
  });

  it('rejects an aud array even when it contains this resource (our format: one string)', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { aud: [RESOURCE, 'https://other.example.com/mcp'] }));
    expectFailure(await verifier.verify(token), 'audience_mismatch');
  });

  it('RFC 9068 §4: rejects typ other than at+jwt (e.g. an ID token style "JWT", or none)', async () => {
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    expectFailure(await verifier.verify(await fx.signRaw(claims, { typ: 'JWT' })), 'wrong_type');
    expectFailure(await verifier.verify(await fx.signRaw(claims, { typ: undefined })), 'wrong_type');
    expect((await verifier.verify(await fx.signRaw(claims, { typ: 'application/at+jwt' }))).ok).toBe(true);
  });

  it('RFC 9068 §2.2: rejects a token without a required claim', async () => {
    for (const claim of ['client_id', 'jti', 'sub', 'iat', 'exp', 'scope']) {
      const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { [claim]: undefined }));
      expectFailure(await verifier.verify(token), 'missing_claims');
    }
  });

  it('rejects a token whose signing key is not in the JWKS (unknown kid)', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken()), { kid: 'no-such-key' });
    expectFailure(await verifier.verify(token), 'unknown_kid');
  });
});

describe('docs/architecture.md#tokens step 2: the encrypted cognito_token claim', () => {
  it('rejects a token without cognito_token', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.accessToken(), { cognito_token: undefined }));
    expectFailure(await verifier.verify(token), 'cognito_token_missing');
  });

  it('rejects a tampered cognito_token (JWE authentication fails)', async () => {
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    const parts = (claims['cognito_token'] as string).split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[0] ^= 0x01;
    parts[3] = ct.toString('base64url');
    const token = await fx.signRaw({ ...claims, cognito_token: parts.join('.') });
    expectFailure(await verifier.verify(token), 'cognito_token_undecryptable');
  });

  it('rejects a cognito_token encrypted under an unknown kid, or under another key with our kid', async () => {
    const foreign = await parseEncryptionKeyRing(await generateEncryptionKeySet());
    const cognitoToken = await fx.cognito.accessToken();
    const unknownKid = await fx.signRaw(await fx.claimsFor(cognitoToken, { cognito_token: await encryptWithKeyRing(cognitoToken, foreign) }));
    expect(await verifier.verify(unknownKid)).toMatchObject({ ok: false, reason: 'cognito_token_undecryptable', detail: expect.stringContaining('unknown_kid') });

    const impostorJson = JSON.parse(await generateEncryptionKeySet()) as { keys: Array<{ kid: string }> };
    impostorJson.keys[0].kid = fx.ring.active.kid;
    const impostor = await parseEncryptionKeyRing(JSON.stringify(impostorJson));
    const sameKid = await fx.signRaw(await fx.claimsFor(cognitoToken, { cognito_token: await encryptWithKeyRing(cognitoToken, impostor) }));
    expect(await verifier.verify(sameKid)).toMatchObject({ ok: false, reason: 'cognito_token_undecryptable', detail: expect.stringContaining('undecryptable') });
  });

  it('rejects a raw (unencrypted) Cognito token in cognito_token, as the seed did', async () => {
    const cognitoToken = await fx.cognito.accessToken();
    const token = await fx.signRaw(await fx.claimsFor(cognitoToken, { cognito_token: cognitoToken }));
    expectFailure(await verifier.verify(token), 'cognito_token_undecryptable');
  });

  it('rejects a Cognito token of another app client', async () => {
    const { token } = await mint({ client_id: 'some-other-app-client' });
    expectFailure(await verifier.verify(token), 'cognito_client_mismatch');
  });

  it('rejects a Cognito ID token (token_use: id) in place of the access token', async () => {
    const token = await fx.signRaw(await fx.claimsFor(await fx.cognito.idToken()));
    expectFailure(await verifier.verify(token), 'cognito_wrong_token_use');
    const relabelled = await mint({ token_use: 'id' });
    expectFailure(await verifier.verify(relabelled.token), 'cognito_wrong_token_use');
  });

  it('rejects an expired Cognito token inside a valid MCP token', async () => {
    const cognitoToken = await fx.cognito.accessToken({ iat: fx.clock.seconds - 7200, exp: fx.clock.seconds - 3600 });
    const token = await fx.signRaw(await fx.claimsFor(cognitoToken));
    expectFailure(await verifier.verify(token), 'cognito_expired');
  });

  it('rejects a Cognito token from another user pool (iss)', async () => {
    const { token } = await mint({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' });
    expectFailure(await verifier.verify(token), 'cognito_issuer_mismatch');
  });

  it('rejects a Cognito token not signed by the pool (same kid, attacker key)', async () => {
    const attacker = await rsaKey(fx.cognito.key.kid);
    const cognitoToken = await fx.cognito.accessToken({}, { key: attacker });
    const token = await fx.signRaw(await fx.claimsFor(cognitoToken));
    expectFailure(await verifier.verify(token), 'cognito_bad_signature');
  });

  it('rejects a Cognito token signed with an algorithm other than RS256', async () => {
    const cognitoToken = `${b64json({ alg: 'none', kid: fx.cognito.key.kid })}.${b64json({ sub: USER_SUB, token_use: 'access' })}.`;
    const token = await fx.signRaw(await fx.claimsFor(cognitoToken));
    expectFailure(await verifier.verify(token), 'cognito_unsupported_alg');
  });
});

describe('docs/architecture.md#tokens step 3: binding of the two tokens', () => {
  it('rejects when the gateway token and the Cognito token name different users (sub)', async () => {
    const cognitoToken = await fx.cognito.accessToken({ sub: 'someone-else' });
    const token = await fx.signRaw(await fx.claimsFor(cognitoToken));
    expectFailure(await verifier.verify(token), 'binding_mismatch');
  });
});

describe('docs/architecture.md#tokens step 4: the principal', () => {
  it('takes scopes from the gateway token, not from the Cognito token', async () => {
    const { token } = await mint({ scope: 'openid mcp-server/write aws.cognito.signin.user.admin' }, { scope: 'mcp-server/read' });
    const result = await verifier.verify(token);
    expect(result.ok && result.principal.scopes).toEqual(['mcp-server/read']);
  });

  it('docs/architecture.md#revocation: carries the grant reference (grant_ref) the revocation feed names, and iat', async () => {
    const { token, issuedAt } = await mint({}, { grantRef: '0123456789abcdef' });
    const result = await verifier.verify(token);
    expect(result.ok && result.principal).toMatchObject({ grantRef: '0123456789abcdef', issuedAt });
  });

  it('refuses a grant_ref that is not a non-empty string', async () => {
    const claims = await fx.claimsFor(await fx.cognito.accessToken());
    expectFailure(await verifier.verify(await fx.signRaw({ ...claims, grant_ref: 42 })), 'missing_claims');
    expectFailure(await verifier.verify(await fx.signRaw({ ...claims, grant_ref: '' })), 'missing_claims');
  });

  it('has no groups when Cognito sends no cognito:groups', async () => {
    const { token } = await mint({ 'cognito:groups': undefined });
    const result = await verifier.verify(token);
    expect(result.ok && result.principal.groups).toEqual([]);
  });
});

describe('Server-side faults', () => {
  it('reports jwks_unavailable when the Cognito JWKS cannot be fetched', async () => {
    const { token } = await mint();
    const v = fx.verifier({ cognito: { issuer: fx.cognito.issuer, clientId: COGNITO_CLIENT_ID, jwks: { url: 'http://127.0.0.1:9/jwks.json', timeoutMs: 2000 } } });
    expectFailure(await v.verify(token), 'jwks_unavailable');
  });

  it('reports jwks_unavailable when the gateway JWKS answers 500', async () => {
    const { token } = await mint();
    const previous = fx.cognito.server.status;
    // Reuse the loopback server as a broken gateway JWKS endpoint.
    const v = fx.verifier({ gatewayJwks: { url: `${fx.cognito.server.base}/gw/jwks.json` } });
    fx.cognito.server.status = 500;
    try {
      expectFailure(await v.verify(token), 'jwks_unavailable');
    } finally {
      fx.cognito.server.status = previous;
    }
  });
});
