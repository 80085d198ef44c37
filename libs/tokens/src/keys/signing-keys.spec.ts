import { generateSigningKey, generateSigningKeySet, parseSigningKeySet } from '../index';
import type { JWK } from 'jose';

async function set(...keys: JWK[]): Promise<string> {
  return JSON.stringify({ keys });
}

describe('RFC 7517 signing key set (rotation-ready)', () => {
  it('generateSigningKeySet produces a parseable ES256 private key set', async () => {
    const json = await generateSigningKeySet({ count: 2 });
    const parsed = JSON.parse(json) as { keys: JWK[] };
    expect(parsed.keys).toHaveLength(2);
    expect(parsed.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', d: expect.any(String), kid: expect.any(String) });
    const keys = await parseSigningKeySet(json);
    expect(keys.active.kid).toBe(parsed.keys[0].kid);
  });

  it('RFC 7517 §4: the public JWKS contains public members only (no "d", no "status")', async () => {
    const keys = await parseSigningKeySet(
      await set(
        await generateSigningKey({ kid: 'next', status: 'next' }),
        await generateSigningKey({ kid: 'current' }),
        { ...(await generateSigningKey({ kid: 'old', status: 'retired' })), key_ops: ['sign'], x5c: ['bogus'] } as JWK,
      ),
    );
    expect(keys.publicJwks.keys.map((k) => k.kid)).toEqual(['next', 'current', 'old']);
    for (const jwk of keys.publicJwks.keys) {
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
    const serialized = JSON.stringify(keys.publicJwks);
    expect(serialized).not.toMatch(/"d"|"p"|"q"|"dp"|"dq"|"qi"|"k"|status|key_ops|x5c/);
  });

  it('the active key is the first one by default; "next" and "retired" never sign', async () => {
    const keys = await parseSigningKeySet(
      await set(
        await generateSigningKey({ kid: 'n', status: 'next' }),
        await generateSigningKey({ kid: 'r', status: 'retired' }),
        await generateSigningKey({ kid: 'a' }),
        await generateSigningKey({ kid: 'b' }),
      ),
    );
    expect(keys.active.kid).toBe('a');
    expect(keys.keys.map((k) => k.status)).toEqual(['next', 'retired', 'active', 'active']);
  });

  it('an explicit active kid (GATEWAY_SIGNING_KEY_ID) overrides the default, e.g. to promote "next"', async () => {
    const json = await set(await generateSigningKey({ kid: 'a' }), await generateSigningKey({ kid: 'n', status: 'next' }));
    expect((await parseSigningKeySet(json, { activeKid: 'n' })).active.kid).toBe('n');
    await expect(parseSigningKeySet(json, { activeKid: 'missing' })).rejects.toThrow(/not in the set/);
  });

  it('refuses sets that cannot sign or are ambiguous or wrong', async () => {
    const a = await generateSigningKey({ kid: 'a' });
    const b = await generateSigningKey({ kid: 'b' });
    await expect(parseSigningKeySet(await set({ ...a, status: 'retired' } as JWK), { activeKid: 'a' })).rejects.toThrow(/retired/);
    await expect(parseSigningKeySet(await set({ ...a, status: 'next' } as JWK))).rejects.toThrow(/no key that may sign/);
    await expect(parseSigningKeySet(await set(a, { ...b, kid: 'a' }))).rejects.toThrow(/duplicate kid/);
    await expect(parseSigningKeySet(await set({ ...a, crv: 'P-384' }))).rejects.toThrow(/P-256/);
    await expect(parseSigningKeySet(await set({ ...a, alg: 'RS256' }))).rejects.toThrow(/ES256/);
    await expect(parseSigningKeySet(await set({ ...a, d: undefined }))).rejects.toThrow(/not a private key/);
    await expect(parseSigningKeySet(await set({ ...a, status: 'paused' } as JWK))).rejects.toThrow(/status/);
    // Private half of one key with the public half of another: the JWKS would publish a key that never verifies.
    await expect(parseSigningKeySet(await set({ ...a, x: b.x, y: b.y }))).rejects.toThrow(/does not match/);
    await expect(parseSigningKeySet('{"keys":[]}')).rejects.toThrow(/at least one key/);
  });

  it('error messages never contain key material', async () => {
    const a = await generateSigningKey({ kid: 'a' });
    const bad = JSON.stringify({ keys: [{ ...a, crv: 'P-521' }] });
    const truncated = bad.slice(0, -3);
    for (const json of [bad, truncated]) {
      const err = (await parseSigningKeySet(json).catch((e: unknown) => e)) as Error;
      expect(err.name).toBe('KeyMaterialError');
      expect(err.message).not.toContain(a.d as string);
      expect(err.message).not.toContain(a.x as string);
    }
  });
});
