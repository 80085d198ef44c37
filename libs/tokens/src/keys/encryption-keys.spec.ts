import { createCipheriv, randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { decryptWithKeyRing, encryptWithKeyRing, generateEncryptionKey, generateEncryptionKeySet, parseEncryptionKeyRing } from '../index';

describe('RFC 7516 compact JWE with key rings (dir + A256GCM)', () => {
  it('round-trips and names the key in the protected header (RFC 7516 §4.1.6)', async () => {
    const ring = await parseEncryptionKeyRing(await generateEncryptionKeySet({ count: 2 }), 'TOKEN_ENCRYPTION_KEYS');
    const jwe = await encryptWithKeyRing('héllo wörld', ring);
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe.split('.')[1]).toBe(''); // dir: no encrypted key
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: ring.kids[0] });
    expect(jwe).not.toContain('wörld');
    expect(await decryptWithKeyRing(jwe, ring)).toEqual({ ok: true, plaintext: 'héllo wörld', kid: ring.kids[0] });
  });

  it('encrypts with the first key and decrypts with any key of the ring (rotation)', async () => {
    const oldKey = await generateEncryptionKey('old');
    const newKey = await generateEncryptionKey('new');
    const before = await parseEncryptionKeyRing(JSON.stringify({ keys: [oldKey] }));
    const after = await parseEncryptionKeyRing(JSON.stringify({ keys: [newKey, oldKey] }));
    const oldCiphertext = await encryptWithKeyRing('secret', before);
    expect(await decryptWithKeyRing(oldCiphertext, after)).toEqual({ ok: true, plaintext: 'secret', kid: 'old' });
    const fresh = await encryptWithKeyRing('secret', after);
    expect(decodeProtectedHeader(fresh).kid).toBe('new');
    expect(await decryptWithKeyRing(fresh, before)).toMatchObject({ ok: false, reason: 'unknown_kid' });
  });

  it('fails typed on an unknown kid (another ring: STORAGE vs TOKEN keys are not interchangeable)', async () => {
    const storage = await parseEncryptionKeyRing(await generateEncryptionKeySet(), 'STORAGE_ENCRYPTION_KEYS');
    const token = await parseEncryptionKeyRing(await generateEncryptionKeySet(), 'TOKEN_ENCRYPTION_KEYS');
    const result = await decryptWithKeyRing(await encryptWithKeyRing('x', storage), token);
    expect(result).toEqual({ ok: false, reason: 'unknown_kid', detail: 'kid not in TOKEN_ENCRYPTION_KEYS' });
  });

  it('fails typed on tampering (ciphertext, tag, or header)', async () => {
    const ring = await parseEncryptionKeyRing(await generateEncryptionKeySet());
    const jwe = await encryptWithKeyRing('some plaintext', ring);
    for (const index of [2, 3, 4]) {
      const parts = jwe.split('.');
      const bytes = Buffer.from(parts[index], 'base64url');
      bytes[0] ^= 0x80;
      parts[index] = bytes.toString('base64url');
      expect(await decryptWithKeyRing(parts.join('.'), ring)).toMatchObject({ ok: false, reason: 'undecryptable' });
    }
    // The header is authenticated data: changing a member the key lookup ignores still breaks it.
    const [, ...rest] = jwe.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: ring.kids[0], x: 1 })).toString('base64url');
    expect(await decryptWithKeyRing([header, ...rest].join('.'), ring)).toMatchObject({ ok: false, reason: 'undecryptable' });
  });

  it('refuses other algorithms and shapes as malformed (RFC 8725 §3.1 allow-list)', async () => {
    const ring = await parseEncryptionKeyRing(await generateEncryptionKeySet());
    const [, ...rest] = (await encryptWithKeyRing('x', ring)).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A128GCM', kid: ring.kids[0] })).toString('base64url');
    expect(await decryptWithKeyRing([header, ...rest].join('.'), ring)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(await decryptWithKeyRing('a.b.c', ring)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('RFC 7516 §5.2 shape for dir + A256GCM: empty encrypted key, 96-bit IV, 128-bit tag, strict base64url, no zip', async () => {
    const ring = await parseEncryptionKeyRing(await generateEncryptionKeySet());
    const jwe = await encryptWithKeyRing('secret', ring);
    const [h, , iv, ct, tag] = jwe.split('.') as [string, string, string, string, string];
    const cases = [
      [h, 'AAAA', iv, ct, tag], // an encrypted key where "dir" has none
      [h, '', iv.slice(0, 8), ct, tag], // 6-byte IV
      [h, '', iv, ct, tag.slice(0, 16)], // 12-byte tag (truncated tags weaken GCM)
      [h, '', iv, `${ct}!`, tag], // a character Node's decoder would silently skip
      [`${h}=`, '', iv, ct, tag], // padding
    ];
    for (const parts of cases) expect(await decryptWithKeyRing(parts.join('.'), ring)).toMatchObject({ ok: false, reason: 'malformed' });
    const zipHeader = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: ring.kids[0], zip: 'DEF' })).toString('base64url');
    expect(await decryptWithKeyRing([zipHeader, '', iv, ct, tag].join('.'), ring)).toMatchObject({ ok: false, reason: 'malformed' });
    // The untouched JWE still opens: the refusals are about the shape.
    expect(await decryptWithKeyRing(jwe, ring)).toMatchObject({ ok: true, plaintext: 'secret' });
  });

  it('opens a JWE made by another implementation of RFC 7516 (AES-256-GCM, AAD = the protected header as sent)', async () => {
    const jwk = await generateEncryptionKey('k-interop');
    const ring = await parseEncryptionKeyRing(JSON.stringify({ keys: [jwk] }));
    const header = Buffer.from(JSON.stringify({ kid: 'k-interop', enc: 'A256GCM', alg: 'dir' })).toString('base64url');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(jwk.k as string, 'base64url'), iv);
    cipher.setAAD(Buffer.from(header, 'ascii'));
    const ciphertext = Buffer.concat([cipher.update('from elsewhere', 'utf8'), cipher.final()]);
    const jwe = [header, '', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    expect(await decryptWithKeyRing(jwe, ring)).toEqual({ ok: true, plaintext: 'from elsewhere', kid: 'k-interop' });
  });

  it('parses only 256-bit oct keys with unique kids, without echoing key material', async () => {
    const good = await generateEncryptionKey('a');
    const short = { ...good, k: Buffer.alloc(16, 1).toString('base64url') };
    await expect(parseEncryptionKeyRing(JSON.stringify({ keys: [short] }), 'TOKEN_ENCRYPTION_KEYS')).rejects.toThrow(
      'TOKEN_ENCRYPTION_KEYS: key #0 (kid "a") must be 256 bits (32 bytes), not 128',
    );
    await expect(parseEncryptionKeyRing(JSON.stringify({ keys: [good, good] }))).rejects.toThrow(/duplicate kid/);
    await expect(parseEncryptionKeyRing(JSON.stringify({ keys: [{ ...good, kty: 'EC' }] }))).rejects.toThrow(/oct/);
    await expect(parseEncryptionKeyRing(JSON.stringify({ keys: [{ ...good, kid: undefined }] }))).rejects.toThrow(/kid/);
    const err = (await parseEncryptionKeyRing(JSON.stringify({ keys: [{ ...good, alg: 'A128KW' }] })).catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain(good.k as string);
  });
});
