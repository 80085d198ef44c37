import { generateMacKeySet, parseMacKeyRing } from '../index';

describe('MAC key rings (REFRESH_TOKEN_KEYS)', () => {
  it('the first key MACs; any key of the ring verifies by kid; a MAC for one purpose never verifies for another', () => {
    const older = JSON.parse(generateMacKeySet()).keys[0];
    const newer = JSON.parse(generateMacKeySet()).keys[0];
    const before = parseMacKeyRing(JSON.stringify({ keys: [older] }), 'REFRESH_TOKEN_KEYS');
    const tag = before.mac(before.active, 'refresh-token', 'g_1.abc');
    const rotated = parseMacKeyRing(JSON.stringify({ keys: [newer, older] }), 'REFRESH_TOKEN_KEYS');
    expect(rotated.active.kid).toBe(newer.kid);
    expect(rotated.verify(older.kid, 'refresh-token', 'g_1.abc', tag)).toBe(true);
    expect(rotated.verify(newer.kid, 'refresh-token', 'g_1.abc', tag)).toBe(false);
    expect(rotated.verify(older.kid, 'refresh-successor', 'g_1.abc', tag)).toBe(false);
    expect(rotated.verify(older.kid, 'refresh-token', 'g_1.abd', tag)).toBe(false);
    expect(rotated.verify('unknown', 'refresh-token', 'g_1.abc', tag)).toBe(false);
  });

  it('refuses keys that are not 256-bit oct keys with unique kids, naming the key but never its material', () => {
    const good = JSON.parse(generateMacKeySet()).keys[0];
    expect(() => parseMacKeyRing(JSON.stringify({ keys: [{ ...good, k: Buffer.alloc(16).toString('base64url') }] }), 'REFRESH_TOKEN_KEYS')).toThrow(
      `REFRESH_TOKEN_KEYS: key #0 (kid "${good.kid}") must be 256 bits (32 bytes), not 128`,
    );
    expect(() => parseMacKeyRing(JSON.stringify({ keys: [good, good] }))).toThrow(/duplicate kid/);
    expect(() => parseMacKeyRing(JSON.stringify({ keys: [{ ...good, alg: 'dir' }] }))).toThrow(/"alg" must be "HS256"/);
    const err = (() => {
      try {
        parseMacKeyRing(JSON.stringify({ keys: [{ ...good, kty: 'EC' }] }));
      } catch (e) {
        return e as Error;
      }
      return new Error('no error');
    })();
    expect(err.message).toMatch(/oct/);
    expect(err.message).not.toContain(good.k);
  });
});
