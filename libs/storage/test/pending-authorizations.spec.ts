import { ItemAlreadyExistsError, type PendingAuthorizationRecord } from '../src';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('sessions');

const pending: PendingAuthorizationRecord = {
  clientId: 'client-1',
  redirectUri: 'http://127.0.0.1:5555/cb',
  clientState: 'xyz',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeChallengeMethod: 'S256',
  scope: 'mcp-server/read',
  resource: 'https://mcp.example.com/mcp',
  upstreamCodeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
};

describe('pending authorizations are single use (docs/architecture.md#the-flow: the callback consumes the session)', () => {
  it('consume returns the stored request once, then nothing', async () => {
    await t.repos.pendingAuthorizations.create('s-1', pending, 600);
    expect(await t.repos.pendingAuthorizations.consume('s-1')).toMatchObject({ ...pending, expiresAt: expect.any(Number) });
    expect(await t.repos.pendingAuthorizations.consume('s-1')).toBeUndefined();
  });

  it('N parallel consumes (any instance): exactly one gets the record', async () => {
    await t.repos.pendingAuthorizations.create('s-par', pending, 600);
    const other = t.otherInstance();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? other : t.repos).pendingAuthorizations.consume('s-par')),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('an expired session is absent (and removed) even though TTL has not deleted it', async () => {
    await t.repos.pendingAuthorizations.create('s-old', pending, 600);
    t.clock.advanceSeconds(600);
    expect(await t.repos.pendingAuthorizations.consume('s-old')).toBeUndefined();
  });

  it('create never overwrites a live session id', async () => {
    await t.repos.pendingAuthorizations.create('s-dup', pending, 600);
    await expect(t.repos.pendingAuthorizations.create('s-dup', { ...pending, clientId: 'evil' }, 600)).rejects.toBeInstanceOf(
      ItemAlreadyExistsError,
    );
    expect(await t.repos.pendingAuthorizations.consume('s-dup')).toMatchObject({ clientId: 'client-1' });
  });
});
