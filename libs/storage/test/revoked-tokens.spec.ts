import { epochSeconds } from '../src';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('jti');

describe('revoked access tokens (RFC 7009 §2.1) deny-list until exp', () => {
  it('a revoked jti is revoked until its expiry, others never are', async () => {
    const exp = epochSeconds(t.clock) + 300;
    await t.repos.revokedTokens.add('jti-1', exp);
    await t.repos.revokedTokens.add('jti-1', exp); // idempotent
    expect(await t.repos.revokedTokens.isRevoked('jti-1')).toBe(true);
    expect(await t.repos.revokedTokens.isRevoked('jti-2')).toBe(false);
    t.clock.advanceSeconds(300);
    expect(await t.repos.revokedTokens.isRevoked('jti-1')).toBe(false);
  });
});
