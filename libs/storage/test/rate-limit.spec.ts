import { useTestStorage } from './support/test-storage';

const t = useTestStorage('rate');

describe('fixed-window rate limit is atomic across instances (docs/architecture.md#invariants)', () => {
  it('N parallel hits from two instances count 1..N with no lost update', async () => {
    // start of a fresh 60 s window, so the burst cannot straddle two windows
    t.clock.advanceSeconds(60 - (Math.floor(t.clock.now() / 1000) % 60));
    const other = t.otherInstance();
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : t.repos).rateLimits.hit('register:203.0.113.7', 60)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('a new window starts from 1; keys are independent', async () => {
    t.clock.advanceSeconds(60 - (Math.floor(t.clock.now() / 1000) % 60));
    expect(await t.repos.rateLimits.hit('k', 60)).toBe(1);
    expect(await t.repos.rateLimits.hit('k', 60)).toBe(2);
    expect(await t.repos.rateLimits.hit('other-key', 60)).toBe(1);
    t.clock.advanceSeconds(60);
    expect(await t.repos.rateLimits.hit('k', 60)).toBe(1);
    await expect(t.repos.rateLimits.hit('k', 0)).rejects.toThrow(RangeError);
  });
});
