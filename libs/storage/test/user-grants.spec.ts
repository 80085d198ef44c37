import { randomUUID } from 'node:crypto';
import { epochSeconds } from '@mcp-cognito/contracts';
import { grantReference, resolveUser, revokeUserEverywhere } from '../src';
import { newGrant } from './support/fixtures';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('user-grants');
const now = () => epochSeconds(t.clock);

describe("a user's grants without a scan (USERGRANT# index items, written before the grant)", () => {
  it('lists every live grant of a user, newest first, and no one else\'s', async () => {
    const sub = randomUUID();
    const a = await t.repos.grants.create(newGrant(now(), { sub, username: 'Carol', clientId: 'client-a' }));
    t.clock.advanceSeconds(5);
    const b = await t.repos.grants.create(newGrant(now(), { sub, username: 'Carol', clientId: 'client-b' }));
    await t.repos.grants.create(newGrant(now(), { sub: randomUUID(), username: 'dave' }));
    expect((await t.repos.grants.listForUser(sub)).map((g) => g.grantId)).toEqual([b.grantId, a.grantId]);
    expect(await t.repos.userGrants.list(sub)).toHaveLength(2);
  });

  it('index items expire with their grant', async () => {
    const sub = randomUUID();
    await t.repos.grants.create(newGrant(now(), { sub, expiresAt: now() + 60 }));
    expect(await t.repos.grants.listForUser(sub)).toHaveLength(1);
    t.clock.advanceSeconds(61);
    expect(await t.repos.grants.listForUser(sub)).toEqual([]);
    expect(await t.repos.userGrants.list(sub)).toEqual([]);
  });

  it('an index item whose grant was never written is skipped', async () => {
    const sub = randomUUID();
    await t.repos.userGrants.add({ grantId: 'never-written', clientId: 'c', sub, username: 'erin', expiresAt: now() + 600 });
    expect(await t.repos.grants.listForUser(sub)).toEqual([]);
  });

  it('a username (any case) resolves to the subs it named; a sub resolves to itself', async () => {
    const sub = randomUUID();
    await t.repos.grants.create(newGrant(now(), { sub, username: 'Frank' }));
    expect(await resolveUser(t.repos, 'frank')).toEqual([sub]);
    expect(await resolveUser(t.repos, 'FRANK')).toEqual([sub]);
    expect(await resolveUser(t.repos, sub)).toEqual([sub]);
    expect(await resolveUser(t.repos, 'nobody')).toEqual([]);
  });
});

describe('offboarding: every grant of a user ended, and the revocation feed names the user and each grant', () => {
  it('revokes the active grants (once), writes a user entry and one entry per grant', async () => {
    const sub = randomUUID();
    const from = t.clock.now();
    const g1 = await t.repos.grants.create(newGrant(now(), { sub, username: 'gina' }));
    const g2 = await t.repos.grants.create(newGrant(now(), { sub, username: 'gina' }));
    const other = await t.repos.grants.create(newGrant(now(), { sub: randomUUID(), username: 'hal' }));

    const ended = await revokeUserEverywhere(t.repos, { sub, reason: 'admin', feedReason: 'admin', coverSeconds: 86_700 });
    expect(ended.map((g) => g.grantId).sort()).toEqual([g1.grantId, g2.grantId].sort());
    for (const g of [g1, g2]) expect(await t.repos.grants.get(g.grantId)).toMatchObject({ status: 'revoked', revokedReason: 'admin' });
    expect(await t.repos.grants.get(other.grantId)).toMatchObject({ status: 'active' });

    const feed = (await t.repos.revocationFeed.since(from)).entries;
    expect(feed.map((e) => [e.target, e.ref]).sort()).toEqual(
      [['user', sub], ['grant', grantReference(g1.grantId)], ['grant', grantReference(g2.grantId)]].sort(),
    );
    // A second run ends nothing more (the grants are revoked already) but still names the user.
    expect(await revokeUserEverywhere(t.repos, { sub, reason: 'admin', feedReason: 'admin', coverSeconds: 86_700 })).toEqual([]);
  });
});
