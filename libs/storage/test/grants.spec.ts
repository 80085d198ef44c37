import { epochSeconds } from '@mcp-cognito/contracts';
import { newGrant, sha256Hex, upstreamTokens } from './support/fixtures';
import { countRequests } from './support/request-counter';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('grants');
const now = () => epochSeconds(t.clock);

describe('refresh token rotation is one conditional write', () => {
  it('rotates current -> previous, bumps the generation, in exactly one UpdateItem', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    const newHash = sha256Hex('next');
    const counter = countRequests(t.clients);
    const result = await t.repos.grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash });
    counter.stop();
    expect(counter.ops).toEqual(['UpdateItem']);
    expect(result).toMatchObject({
      status: 'ok',
      grant: { currentRefreshHash: newHash, previousRefreshHash: grant.currentRefreshHash, generation: 1, rotatedAt: now() },
    });
    expect(await t.repos.grants.get(grant.grantId)).toMatchObject({ currentRefreshHash: newHash, generation: 1 });
  });

  it('a stale expected hash is a conflict that returns the current family and changes nothing', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    await t.repos.grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash: sha256Hex('a') });
    const stale = await t.repos.grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash: sha256Hex('b') });
    expect(stale).toMatchObject({ status: 'conflict', current: { currentRefreshHash: sha256Hex('a'), generation: 1 } });
    expect((await t.repos.grants.get(grant.grantId))?.currentRefreshHash).toBe(sha256Hex('a'));
  });

  it('can be conditioned on the generation and carries upstream token updates in the same write', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    const upstream = upstreamTokens(now(), 'v2');
    const ok = await t.repos.grants.rotate(grant.grantId, { expectedGeneration: 0, newHash: sha256Hex('g1'), updates: { upstream } });
    expect(ok).toMatchObject({ status: 'ok', grant: { generation: 1, upstream } });
    expect((await t.repos.grants.rotate(grant.grantId, { expectedGeneration: 0, newHash: sha256Hex('g1b') })).status).toBe('conflict');
    await expect(t.repos.grants.rotate(grant.grantId, { newHash: 'x' })).rejects.toThrow(TypeError);
  });

  it('N parallel rotations with the same expected hash: exactly one ok', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    const other = t.otherInstance();
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? other : t.repos).grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash: sha256Hex(`n${i}`) }),
      ),
    );
    const winners = results.filter((r) => r.status === 'ok');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 'conflict')).toHaveLength(15);
    expect((await t.repos.grants.get(grant.grantId))?.generation).toBe(1);
  });

  it('one late replay per rotation: of N parallel claims for a generation exactly one is claimed; a new rotation opens a new one', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    await t.repos.grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash: sha256Hex('c1') });
    const other = t.otherInstance();
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : t.repos).grants.claimLateReplay(grant.grantId, 1)));
    expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
    // A claim for a generation the family has left is taken, never claimed.
    expect(await t.repos.grants.claimLateReplay(grant.grantId, 0)).toBe('taken');
    await t.repos.grants.rotate(grant.grantId, { expectedCurrentHash: sha256Hex('c1'), newHash: sha256Hex('c2') });
    expect(await t.repos.grants.claimLateReplay(grant.grantId, 2)).toBe('claimed');
    await t.repos.grants.revoke(grant.grantId, 'refresh_token_reuse');
    await t.repos.grants.rotate(grant.grantId, { expectedGeneration: 2, newHash: sha256Hex('c3') });
    expect(await t.repos.grants.claimLateReplay(grant.grantId, 2)).toBe('taken');
    expect(await t.repos.grants.claimLateReplay('g_unknown', 0)).toBe('taken');
  });

  it('a revoked or expired family cannot rotate; unknown grants are not_found', async () => {
    const revoked = await t.repos.grants.create(newGrant(now()));
    await t.repos.grants.revoke(revoked.grantId, 'refresh_token_reuse');
    expect(await t.repos.grants.rotate(revoked.grantId, { expectedCurrentHash: revoked.currentRefreshHash, newHash: sha256Hex('r') }))
      .toMatchObject({ status: 'conflict', current: { status: 'revoked', currentRefreshHash: revoked.currentRefreshHash } });

    const expiring = await t.repos.grants.create(newGrant(now(), { expiresAt: now() + 10 }));
    t.clock.advanceSeconds(11);
    expect(await t.repos.grants.rotate(expiring.grantId, { expectedGeneration: 0, newHash: sha256Hex('e') })).toEqual({ status: 'not_found' });
    expect(await t.repos.grants.rotate('no-such-grant', { expectedGeneration: 0, newHash: sha256Hex('u') })).toEqual({ status: 'not_found' });
  });
});

describe('grant revocation and upstream token updates', () => {
  it('revoke is idempotent: the first call revokes, later calls report already_revoked', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    expect(await t.repos.grants.revoke(grant.grantId, 'revoked_by_client'))
      .toMatchObject({ status: 'revoked', grant: { status: 'revoked', revokedReason: 'revoked_by_client', revokedAt: now() } });
    expect(await t.repos.grants.revoke(grant.grantId, 'admin'))
      .toMatchObject({ status: 'already_revoked', grant: { revokedReason: 'revoked_by_client' } });
    expect(await t.repos.grants.revoke('missing', 'admin')).toEqual({ status: 'not_found' });
  });

  it('updateUpstreamTokens only lands on the generation it read', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    const v2 = upstreamTokens(now(), 'v2');
    expect(await t.repos.grants.updateUpstreamTokens(grant.grantId, 0, v2)).toMatchObject({ status: 'ok', grant: { upstream: v2 } });
    await t.repos.grants.rotate(grant.grantId, { expectedGeneration: 0, newHash: sha256Hex('x') });
    const late = await t.repos.grants.updateUpstreamTokens(grant.grantId, 0, upstreamTokens(now(), 'v3'));
    expect(late).toMatchObject({ status: 'conflict', current: { generation: 1, upstream: v2 } });
  });
});

describe('single-flight upstream refresh: one lease per family, across instances', () => {
  it('of N concurrent acquisitions on two instances exactly one gets the lease, in one UpdateItem each', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    const other = t.otherInstance();
    const counter = countRequests(t.clients);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? other : t.repos).grants.acquireRefreshLease(grant.grantId, { owner: `o${i}`, expectedGeneration: 0, leaseMs: 5000 }),
      ),
    );
    counter.stop();
    expect(results.filter((r) => r.status === 'acquired')).toHaveLength(1);
    const losers = results.filter((r) => r.status === 'unavailable');
    expect(losers).toHaveLength(11);
    const holder = (results.find((r) => r.status === 'acquired') as { grant: { refreshLease: { owner: string } } }).grant.refreshLease.owner;
    for (const l of losers) expect((l as { current: { refreshLease?: { owner: string } } }).current.refreshLease?.owner).toBe(holder);
  });

  it('a lease past its time is free again; a moved-on family (other generation) cannot be leased', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    expect((await t.repos.grants.acquireRefreshLease(grant.grantId, { owner: 'a', expectedGeneration: 0, leaseMs: 2000 })).status).toBe('acquired');
    expect((await t.repos.grants.acquireRefreshLease(grant.grantId, { owner: 'b', expectedGeneration: 0, leaseMs: 2000 })).status).toBe('unavailable');
    t.clock.advanceSeconds(3);
    expect((await t.repos.grants.acquireRefreshLease(grant.grantId, { owner: 'b', expectedGeneration: 0, leaseMs: 2000 })).status).toBe('acquired');
    expect((await t.repos.grants.acquireRefreshLease(grant.grantId, { owner: 'c', expectedGeneration: 7, leaseMs: 2000 })).status).toBe('unavailable');
  });

  it('the holder rotates and releases in one write; a failed holder leaves a marked lease that only it could set', async () => {
    const grant = await t.repos.grants.create(newGrant(now()));
    await t.repos.grants.acquireRefreshLease(grant.grantId, { owner: 'h', expectedGeneration: 0, leaseMs: 5000 });
    const rotated = await t.repos.grants.rotate(grant.grantId, { expectedCurrentHash: grant.currentRefreshHash, newHash: sha256Hex('l1'), releaseLease: true });
    expect(rotated.status).toBe('ok');
    expect(rotated.status === 'ok' ? rotated.grant.refreshLease : 'not rotated').toBeUndefined();

    await t.repos.grants.acquireRefreshLease(grant.grantId, { owner: 'f', expectedGeneration: 1, leaseMs: 5000 });
    await t.repos.grants.releaseRefreshLease(grant.grantId, 'somebody-else');
    expect((await t.repos.grants.get(grant.grantId))?.refreshLease?.owner).toBe('f');
    await t.repos.grants.releaseRefreshLease(grant.grantId, 'f', { reason: 'throttled', retryAfterSeconds: 3, holdMs: 2000 });
    expect((await t.repos.grants.get(grant.grantId))?.refreshLease).toMatchObject({ owner: 'f', failure: { reason: 'throttled', retryAfterSeconds: 3 } });
    await t.repos.grants.releaseRefreshLease(grant.grantId, 'f');
    expect((await t.repos.grants.get(grant.grantId))?.refreshLease).toBeUndefined();
  });
});
