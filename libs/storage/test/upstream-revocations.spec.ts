import { randomUUID } from 'node:crypto';
import { epochSeconds } from '@mcp-cognito/contracts';
import type { NewUpstreamRevocation } from '../src';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('revocations');
const now = () => epochSeconds(t.clock);

const record = (overrides: Partial<NewUpstreamRevocation> = {}): NewUpstreamRevocation => ({
  recordId: randomUUID(),
  grant: 'a1b2c3d4e5f60718',
  clientId: 'client-1',
  refreshToken: { ciphertext: 'eyJhbGciOiJkaXIi.sealed', keyId: 'enc-1' },
  reason: 'revoked_by_client',
  attempts: 3,
  lastError: 'status 400 invalid_request',
  nextAttemptAt: now() + 60,
  expiresAt: now() + 86400,
  ...overrides,
});

describe('failed Cognito revocations are kept durably and retried, each by one instance at a time', () => {
  it('a record is due only from nextAttemptAt, until its token expires', async () => {
    const r = await t.repos.upstreamRevocations.create(record());
    expect((await t.repos.upstreamRevocations.due()).map((x) => x.recordId)).not.toContain(r.recordId);
    t.clock.advanceSeconds(61);
    expect((await t.repos.upstreamRevocations.due()).map((x) => x.recordId)).toContain(r.recordId);
    t.clock.advanceSeconds(86400);
    expect((await t.repos.upstreamRevocations.due()).map((x) => x.recordId)).not.toContain(r.recordId);
    expect(await t.repos.upstreamRevocations.get(r.recordId)).toBeUndefined();
  });

  it('of two instances claiming one due record, one wins; a rescheduled record waits again; a completed one is gone', async () => {
    const r = await t.repos.upstreamRevocations.create(record({ nextAttemptAt: now() }));
    const other = t.otherInstance();
    const [a, b] = await Promise.all([t.repos.upstreamRevocations.claim(r.recordId, 30), other.upstreamRevocations.claim(r.recordId, 30)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((a ?? b)?.attempts).toBe(4);
    // Leased: not due for anyone else.
    expect((await t.repos.upstreamRevocations.due()).map((x) => x.recordId)).not.toContain(r.recordId);
    await t.repos.upstreamRevocations.reschedule(r.recordId, now() + 120, 'status 503');
    expect(await t.repos.upstreamRevocations.get(r.recordId)).toMatchObject({ nextAttemptAt: now() + 120, lastError: 'status 503' });
    expect(await t.repos.upstreamRevocations.claim(r.recordId, 30)).toBeUndefined();
    t.clock.advanceSeconds(121);
    expect(await t.repos.upstreamRevocations.claim(r.recordId, 30)).toMatchObject({ attempts: 5 });
    await t.repos.upstreamRevocations.complete(r.recordId);
    expect(await t.repos.upstreamRevocations.get(r.recordId)).toBeUndefined();
  });
});
