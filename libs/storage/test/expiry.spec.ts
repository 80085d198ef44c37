import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds } from '@mcp-cognito/contracts';
import { codeRecord, newCodeHash, newGrant } from './support/fixtures';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('expiry');
const now = () => epochSeconds(t.clock);

/** The raw item is still in the table: only our own `expiresAt` check hides it. */
async function stillStored(pk: string): Promise<boolean> {
  const out = await t.clients.doc.send(new GetCommand({ TableName: t.clients.tableName, Key: { pk, sk: 'META' }, ConsistentRead: true }));
  return out.Item !== undefined;
}

describe('expired items are absent even before TTL deletion (docs/architecture.md#storage; TTL lags ~48 h, dynalite has none)', () => {
  it('clients, codes, grants, sessions and deny-list entries vanish at expiresAt while still stored', async () => {
    const codeHash = newCodeHash();
    const grant = newGrant(now(), { expiresAt: now() + 100 });
    await t.repos.clients.create({
      clientId: 'exp-client', redirectUris: ['http://127.0.0.1/cb'], tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'], responseTypes: ['code'], registrationType: 'dynamic',
    }, 100);
    await t.repos.authorizationCodes.create(codeHash, codeRecord(now()), 100);
    await t.repos.grants.create(grant);

    t.clock.advanceSeconds(99); // one second before: all alive
    expect(await t.repos.clients.get('exp-client')).toBeDefined();
    expect((await t.repos.authorizationCodes.inspect(codeHash)).status).toBe('live');
    expect(await t.repos.grants.get(grant.grantId)).toBeDefined();

    t.clock.advanceSeconds(1); // expiresAt reached
    expect(await t.repos.clients.get('exp-client')).toBeUndefined();
    expect(await t.repos.authorizationCodes.inspect(codeHash)).toEqual({ status: 'expired' });
    expect(await t.repos.authorizationCodes.consume(codeHash)).toEqual({ status: 'expired' });
    expect(await t.repos.grants.get(grant.grantId)).toBeUndefined();
    expect(await t.repos.grants.revoke(grant.grantId, 'admin')).toEqual({ status: 'not_found' });

    for (const pk of ['CLIENT#exp-client', `CODE#${codeHash}`, `GRANT#${grant.grantId}`]) {
      expect(await stillStored(pk)).toBe(true);
    }
  });

  it('a consumed code is remembered for replay detection, then forgotten', async () => {
    const codeHash = newCodeHash();
    await t.repos.authorizationCodes.create(codeHash, codeRecord(now()), 60);
    expect((await t.repos.authorizationCodes.consume(codeHash)).status).toBe('ok');
    t.clock.advanceSeconds(120); // past the code's own TTL: still a replay
    expect((await t.repos.authorizationCodes.consume(codeHash)).status).toBe('replayed');
    t.clock.advanceSeconds(600); // past the retention
    expect(await t.repos.authorizationCodes.consume(codeHash)).toEqual({ status: 'not_found' });
  });
});
