import { useTestStorage } from './support/test-storage';

const t = useTestStorage('revocation-feed');

describe('revocation feed: time-ordered, incremental, each entry only while a token it covers can be valid', () => {
  it('reads entries written at or after a time, oldest first, from any instance', async () => {
    const before = t.clock.now();
    const a = await t.repos.revocationFeed.add({ target: 'grant', ref: '0123456789abcdef', reason: 'revoked_by_client', coverSeconds: 960 });
    t.clock.advanceSeconds(2);
    const mid = t.clock.now();
    const b = await t.otherInstance().revocationFeed.add({ target: 'user', ref: 'sub-1', reason: 'admin', coverSeconds: 960 });

    const all = await t.repos.revocationFeed.since(before);
    expect(all.entries).toEqual([a, b]);
    expect(all.requests).toBe(1);
    expect((await t.repos.revocationFeed.since(mid)).entries).toEqual([b]);
    expect((await t.repos.revocationFeed.since(mid + 1)).entries).toEqual([]);
    expect(b).toMatchObject({ target: 'user', ref: 'sub-1', revokedAtMs: mid, expiresAt: Math.floor(mid / 1000) + 960 });
  });

  it('two entries in the same millisecond are both kept (target and ref are part of the sort key)', async () => {
    t.clock.advanceSeconds(1);
    const at = t.clock.now();
    await t.repos.revocationFeed.add({ target: 'grant', ref: 'aaaaaaaaaaaaaaaa', reason: 'code_replay', coverSeconds: 60 });
    await t.repos.revocationFeed.add({ target: 'grant', ref: 'bbbbbbbbbbbbbbbb', reason: 'code_replay', coverSeconds: 60 });
    expect((await t.repos.revocationFeed.since(at)).entries.map((e) => e.ref)).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
  });

  it('an entry is absent once every token it covers has expired (whether or not TTL deleted it)', async () => {
    t.clock.advanceSeconds(1);
    const at = t.clock.now();
    await t.repos.revocationFeed.add({ target: 'grant', ref: 'cccccccccccccccc', reason: 'admin', coverSeconds: 30 });
    expect((await t.repos.revocationFeed.since(at)).entries.map((e) => e.ref)).toEqual(['cccccccccccccccc']);
    t.clock.advanceSeconds(30);
    expect((await t.repos.revocationFeed.since(at)).entries).toEqual([]);
  });

  it('refuses entries that would cover nothing', async () => {
    await expect(t.repos.revocationFeed.add({ target: 'grant', ref: 'x', reason: 'admin', coverSeconds: 0 })).rejects.toThrow(TypeError);
  });
});
