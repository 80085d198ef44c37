import { randomUUID } from 'node:crypto';
import { createDynamoClients, createRepositories, revokeUserEverywhere, startedBeforeRevocation, USER_REVOCATION_MARKER_SECONDS, FEED_OVERLAP_MS } from '../src';
import { ManualClock } from './support/manual-clock';
import { testEndpoint, useTestStorage } from './support/test-storage';

const t = useTestStorage('user-revocation');
const revokeAll = (repos = t.repos, sub: string) => revokeUserEverywhere(repos, { sub, reason: 'admin', feedReason: 'admin', coverSeconds: 86_700 });

describe('user revocation marker (REVOKED#user:<sub>): a sign-in in flight when its user is revoked gets no tokens', () => {
  it('revokeUserEverywhere writes the marker first; the feed entry carries the same cut-off', async () => {
    const sub = randomUUID();
    expect(await t.repos.userRevocations.get(sub)).toBeUndefined();
    const before = t.clock.now();
    await revokeAll(t.repos, sub);
    const marker = await t.repos.userRevocations.get(sub);
    expect(marker).toMatchObject({ sub, reason: 'admin' });
    expect(marker!.revokedAtMs).toBeGreaterThanOrEqual(before);
    expect(marker!.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) + USER_REVOCATION_MARKER_SECONDS);
    const entry = (await t.repos.revocationFeed.since(before - 1000)).entries.find((e) => e.target === 'user' && e.ref === sub);
    expect(entry?.revokedAtMs).toBe(marker!.revokedAtMs);
  });

  it('sign-ins that began at or before the cut-off second are covered; later ones are not', () => {
    const revokedAtMs = 1_800_000_000_500;
    expect(startedBeforeRevocation(1_799_999_999, { revokedAtMs })).toBe(true);
    expect(startedBeforeRevocation(1_800_000_000, { revokedAtMs })).toBe(true); // the same second: the safe side
    expect(startedBeforeRevocation(1_800_000_001, { revokedAtMs })).toBe(false);
    expect(startedBeforeRevocation(1_700_000_000, undefined)).toBe(false);
  });

  it('a second revocation never moves the cut-off back, and keeps the longer life', async () => {
    const sub = randomUUID();
    const clock = new ManualClock(Date.now() + 600_000); // a writer 10 minutes ahead
    const ahead = createRepositories(t.clients, clock);
    const first = await ahead.userRevocations.mark(sub, { reason: 'admin' });
    const second = await t.repos.userRevocations.mark(sub, { reason: 'signed_out_everywhere' });
    expect(second.revokedAtMs).toBe(first.revokedAtMs);
    expect(second.expiresAt).toBe(first.expiresAt);
  });

  it('the marker expires (read as absent once past expiresAt)', async () => {
    const sub = randomUUID();
    const clock = new ManualClock();
    const repos = createRepositories(t.clients, clock);
    await repos.userRevocations.mark(sub, { reason: 'admin', ttlSeconds: 60 });
    clock.advanceSeconds(61);
    expect(await repos.userRevocations.get(sub)).toBeUndefined();
  });
});

describe("user revocation cut-off does not depend on the writer's clock (an operator's laptop behind)", () => {
  it('a writer 45 s behind still covers tokens issued up to the real time of its revocation, and running servers read its entry', async () => {
    const sub = randomUUID();
    // Another client on the same table, as the admin command makes: its clock 45 s behind, its first request this one.
    const clients = createDynamoClients({ region: 'eu-west-1', endpoint: testEndpoint(), tableName: t.clients.tableName });
    try {
      const behind = new ManualClock(Date.now() - 45_000);
      const laptop = createRepositories(clients, behind);
      const realBefore = Date.now();
      await revokeAll(laptop, sub);
      const marker = (await t.repos.userRevocations.get(sub))!;
      // The table endpoint's Date (second precision) moved the cut-off to the real time, not the laptop's.
      expect(marker.revokedAtMs).toBeGreaterThanOrEqual(Math.floor(realBefore / 1000) * 1000);
      expect(marker.revokedAtMs).toBeLessThan(Date.now() + 1000);
      // A token issued (by a synced gateway) just before the revocation is covered: iat <= the cut-off second.
      expect(Math.floor(realBefore / 1000)).toBeLessThanOrEqual(Math.floor(marker.revokedAtMs / 1000));
      // A server whose previous read began just before the revocation reads from (that start - overlap): it finds the entry.
      const entries = (await t.repos.revocationFeed.since(realBefore - FEED_OVERLAP_MS)).entries;
      expect(entries.find((e) => e.target === 'user' && e.ref === sub)?.revokedAtMs).toBe(marker.revokedAtMs);
    } finally {
      clients.destroy();
    }
  });

  it('the clients remember the table endpoint\'s Date header (second precision, never in the future)', async () => {
    const clients = createDynamoClients({ region: 'eu-west-1', endpoint: testEndpoint(), tableName: t.clients.tableName });
    try {
      expect(clients.tableDateMs()).toBeUndefined();
      await createRepositories(clients).userRevocations.get(randomUUID());
      const seen = clients.tableDateMs()!;
      expect(seen % 1000).toBe(0);
      expect(seen).toBeLessThanOrEqual(Date.now());
      expect(seen).toBeGreaterThan(Date.now() - 10_000);
    } finally {
      clients.destroy();
    }
  });
});
