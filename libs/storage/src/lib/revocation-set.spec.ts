import type { RevocationEntry } from './repositories/revocation-feed.types';
import { FEED_OVERLAP_MS, RevocationSet } from './revocation-set';

class Clock {
  ms = Date.UTC(2030, 0, 1);
  now = () => this.ms;
}

function setup(options: { failOpenMs?: number } = {}) {
  const clock = new Clock();
  const reads: number[] = [];
  const outcomes: string[] = [];
  let feed: RevocationEntry[] = [];
  let failing = false;
  const set = new RevocationSet({ pollMs: 5000, failOpenMs: options.failOpenMs ?? 30_000, readBudgetMs: 2500, clock });
  set.connect(
    async (sinceMs) => {
      reads.push(sinceMs);
      if (failing) throw Object.assign(new Error('down'), { reason: 'unreachable' });
      return { entries: feed.filter((e) => e.revokedAtMs >= sinceMs), requests: 1 };
    },
    (outcome) => outcomes.push(outcome),
  );
  const entry = (target: 'grant' | 'user', ref: string, coverSeconds = 1200): RevocationEntry => ({
    target,
    ref,
    reason: 'test',
    revokedAtMs: clock.ms,
    expiresAt: Math.floor(clock.ms / 1000) + coverSeconds,
  });
  return {
    clock,
    set,
    reads,
    outcomes,
    publish: (e: RevocationEntry) => void (feed = [...feed, e]),
    entry,
    fail: (on: boolean) => void (failing = on),
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

describe('docs/architecture.md#revocation: the in-memory revocation set', () => {
  it('refuses every token of a revoked grant, and nothing else', async () => {
    const t = setup();
    t.publish(t.entry('grant', 'g1'));
    await t.set.refresh();
    const iat = seconds(t.clock.ms);
    expect(t.set.decide({ sub: 'u', issuedAt: iat, grantRef: 'g1' })).toBe('revoked');
    expect(t.set.decide({ sub: 'u', issuedAt: iat + 100, grantRef: 'g1' })).toBe('revoked');
    expect(t.set.decide({ sub: 'u', issuedAt: iat, grantRef: 'g2' })).toBe('accept');
    expect(t.set.decide({ sub: 'u', issuedAt: iat })).toBe('accept');
  });

  it('a revoked user: tokens issued at or before the revocation (second precision) are refused, later ones accepted', async () => {
    const t = setup();
    const iatBefore = seconds(t.clock.ms) - 60;
    t.clock.ms += 400;
    t.publish(t.entry('user', 'alice'));
    await t.set.refresh();
    expect(t.set.decide({ sub: 'alice', issuedAt: iatBefore })).toBe('revoked');
    expect(t.set.decide({ sub: 'alice', issuedAt: seconds(t.clock.ms) })).toBe('revoked');
    expect(t.set.decide({ sub: 'alice', issuedAt: seconds(t.clock.ms) + 1 })).toBe('accept');
    expect(t.set.decide({ sub: 'bob', issuedAt: iatBefore })).toBe('accept');
  });

  it('reads incrementally: everything live first, then from the previous read minus the overlap', async () => {
    const t = setup();
    await t.set.refresh();
    const first = t.clock.ms;
    t.clock.ms += 5000;
    await t.set.refresh();
    expect(t.reads).toEqual([0, first - FEED_OVERLAP_MS]);
    // A writer whose clock is 20 s behind is still found.
    t.clock.ms += 5000;
    t.publish({ ...t.entry('grant', 'late'), revokedAtMs: t.clock.ms - 20_000 });
    await t.set.refresh();
    expect(t.set.decide({ sub: 'u', issuedAt: 0, grantRef: 'late' })).toBe('revoked');
  });

  it('drops entries once the tokens they cover have expired', async () => {
    const t = setup();
    t.publish(t.entry('grant', 'g1', 60));
    await t.set.refresh();
    expect(t.set.status()).toMatchObject({ grants: 1 });
    t.clock.ms += 61_000;
    await t.set.refresh();
    expect(t.set.status()).toMatchObject({ grants: 0 });
  });

  it('feed unreachable: accepted while current, then stale (fail open), then unavailable; what is known revoked stays revoked', async () => {
    const t = setup({ failOpenMs: 30_000 });
    t.publish(t.entry('grant', 'g1'));
    await t.set.refresh();
    t.fail(true);
    const token = { sub: 'u', issuedAt: seconds(t.clock.ms) };
    t.clock.ms += 7_500; // poll + budget: still current
    expect(await t.set.refresh()).toBe(false);
    expect(t.outcomes.at(-1)).toBe('unreachable');
    expect(t.set.decide(token)).toBe('accept');
    t.clock.ms += 1;
    expect(t.set.decide(token)).toBe('accept_stale');
    expect(t.set.status().state).toBe('stale');
    t.clock.ms += 30_000;
    expect(t.set.decide(token)).toBe('unavailable');
    expect(t.set.decide({ ...token, grantRef: 'g1' })).toBe('revoked');
    expect(t.set.status().state).toBe('closed');
    t.fail(false);
    expect(await t.set.refresh()).toBe(true);
    expect(t.set.decide(token)).toBe('accept');
  });

  it('REVOCATION_FAIL_OPEN_MS=0: refused as soon as a read is overdue', async () => {
    const t = setup({ failOpenMs: 0 });
    await t.set.refresh();
    t.clock.ms += 7_501;
    expect(t.set.decide({ sub: 'u', issuedAt: 0 })).toBe('unavailable');
  });

  it('a server that starts while the feed is unreachable fails open for the same window, then closes', async () => {
    const t = setup({ failOpenMs: 10_000 });
    t.fail(true);
    await t.set.refresh();
    expect(t.set.decide({ sub: 'u', issuedAt: 0 })).toBe('accept');
    t.clock.ms += 17_501;
    expect(t.set.decide({ sub: 'u', issuedAt: 0 })).toBe('unavailable');
  });

  it('a read cut at its page limit continues after its last entry and does not count as complete (nothing is skipped)', async () => {
    const clock = new Clock();
    const reads: number[] = [];
    const outcomes: string[] = [];
    const entries: RevocationEntry[] = [1, 2, 3].map((i) => ({ target: 'grant', ref: `g${i}`, reason: 'test', revokedAtMs: clock.ms + i, expiresAt: seconds(clock.ms) + 1200 }));
    const set = new RevocationSet({ pollMs: 5000, failOpenMs: 0, readBudgetMs: 2500, clock });
    // Two entries per read at most: the first read is truncated, the second finishes.
    set.connect(
      async (sinceMs) => {
        reads.push(sinceMs);
        const rest = entries.filter((e) => e.revokedAtMs >= sinceMs);
        return { entries: rest.slice(0, 2), requests: 1, ...(rest.length > 2 ? { truncated: true } : {}) };
      },
      (outcome) => outcomes.push(outcome),
    );
    clock.ms += 60_000;
    expect(await set.refresh()).toBe(false);
    expect(outcomes).toEqual(['truncated']);
    expect(set.decide({ sub: 'u', issuedAt: seconds(clock.ms), grantRef: 'g2' })).toBe('revoked');
    expect(await set.refresh()).toBe(true);
    expect(reads[1]).toBe(entries[1]!.revokedAtMs);
    expect(set.decide({ sub: 'u', issuedAt: seconds(clock.ms), grantRef: 'g3' })).toBe('revoked');
    expect(set.status().state).toBe('current');
  });
});
