import { epochSeconds } from '@mcp-cognito/contracts';
import { ItemAlreadyExistsError } from '../src';
import { codeRecord, newCodeHash } from './support/fixtures';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('codes');
const now = () => epochSeconds(t.clock);

describe('single-use authorization codes (RFC 6749 §4.1.2, §10.5)', () => {
  it('the first redemption gets the record, the second is reported as a replay with the record', async () => {
    const hash = newCodeHash();
    const record = codeRecord(now());
    await t.repos.authorizationCodes.create(hash, record);

    const first = await t.repos.authorizationCodes.consume(hash);
    expect(first).toMatchObject({ status: 'ok', record: { ...record, consumedAt: now() } });

    const second = await t.repos.authorizationCodes.consume(hash);
    // RFC 6749 §10.5: the replay must be recognisable so the caller can revoke what the code issued
    expect(second).toMatchObject({ status: 'replayed', record: { clientId: record.clientId, sub: record.sub } });
  });

  it('a grant id reserved at consumption is visible to a replay', async () => {
    const hash = newCodeHash();
    await t.repos.authorizationCodes.create(hash, codeRecord(now()));
    expect(await t.repos.authorizationCodes.consume(hash, { grantId: 'g-reserved' })).toMatchObject({ status: 'ok', record: { grantId: 'g-reserved' } });
    expect(await t.repos.authorizationCodes.consume(hash)).toMatchObject({ status: 'replayed', record: { grantId: 'g-reserved' } });
  });

  it('N parallel redemptions of one code: exactly one ok, all others replayed', async () => {
    const hash = newCodeHash();
    await t.repos.authorizationCodes.create(hash, codeRecord(now()));
    const other = t.otherInstance();
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 ? other : t.repos).authorizationCodes.consume(hash)),
    );
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'replayed')).toHaveLength(15);
  });

  it('an unknown code is not_found, an expired one is expired and cannot be redeemed', async () => {
    expect(await t.repos.authorizationCodes.consume(newCodeHash())).toEqual({ status: 'not_found' });
    const hash = newCodeHash();
    await t.repos.authorizationCodes.create(hash, codeRecord(now()), 60);
    t.clock.advanceSeconds(61);
    expect(await t.repos.authorizationCodes.consume(hash)).toEqual({ status: 'expired' });
    expect(await t.repos.authorizationCodes.inspect(hash)).toEqual({ status: 'expired' });
  });

  it('inspect classifies a code with one read and changes nothing: live, replayed (with its grant), expired, not_found', async () => {
    const hash = newCodeHash();
    const record = codeRecord(now());
    await t.repos.authorizationCodes.create(hash, record, 60);
    expect(await t.repos.authorizationCodes.inspect(hash)).toMatchObject({ status: 'live', record: { clientId: record.clientId } });
    expect(await t.repos.authorizationCodes.inspect(hash)).toMatchObject({ status: 'live' }); // still usable: nothing written
    expect((await t.repos.authorizationCodes.consume(hash, { grantId: 'g-1' })).status).toBe('ok');
    const replayed = await t.repos.authorizationCodes.inspect(hash);
    expect(replayed).toMatchObject({ status: 'replayed', record: { grantId: 'g-1' } });
    expect(replayed.status === 'replayed' && 'consumedBy' in replayed.record).toBe(false);
    expect(await t.repos.authorizationCodes.inspect(newCodeHash())).toEqual({ status: 'not_found' });
    const stale = newCodeHash();
    await t.repos.authorizationCodes.create(stale, codeRecord(now()), 60);
    t.clock.advanceSeconds(61);
    expect(await t.repos.authorizationCodes.inspect(stale)).toEqual({ status: 'expired' });
  });

  it('inspect reads an unused code without consuming it, and reports it replayed once consumed', async () => {
    const hash = newCodeHash();
    await t.repos.authorizationCodes.create(hash, codeRecord(now()));
    expect(await t.repos.authorizationCodes.inspect(hash)).toMatchObject({ status: 'live', record: { clientId: 'client-1' } });
    expect((await t.repos.authorizationCodes.consume(hash)).status).toBe('ok');
    expect((await t.repos.authorizationCodes.inspect(hash)).status).toBe('replayed');
  });

  it('create never overwrites a live code, and keys are only SHA-256 hex', async () => {
    const hash = newCodeHash();
    await t.repos.authorizationCodes.create(hash, codeRecord(now()));
    await expect(t.repos.authorizationCodes.create(hash, codeRecord(now()))).rejects.toBeInstanceOf(ItemAlreadyExistsError);
    await expect(t.repos.authorizationCodes.create('raw-code-value', codeRecord(now()))).rejects.toThrow(/SHA-256/);
  });
});
