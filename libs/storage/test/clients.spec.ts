import { epochSeconds } from '@mcp-cognito/contracts';
import { ItemAlreadyExistsError, type NewClient } from '../src';
import { useTestStorage } from './support/test-storage';

const t = useTestStorage('clients');

const client = (clientId: string): NewClient => ({
  clientId,
  redirectUris: ['http://127.0.0.1/callback'],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  clientName: 'Inspector',
  registrationType: 'dynamic',
});

describe('registered clients (RFC 7591)', () => {
  it('create stores the metadata with client_id_issued_at; get returns it', async () => {
    const created = await t.repos.clients.create(client('c-1'));
    expect(created.createdAt).toBe(epochSeconds(t.clock));
    expect(await t.repos.clients.get('c-1')).toEqual({ ...client('c-1'), createdAt: created.createdAt });
    expect(await t.repos.clients.get('c-unknown')).toBeUndefined();
  });

  it('create never overwrites an existing client (conditional put)', async () => {
    await t.repos.clients.create({ ...client('c-dup'), clientSecretHash: 'hash-a', tokenEndpointAuthMethod: 'client_secret_basic' });
    await expect(t.repos.clients.create(client('c-dup'))).rejects.toBeInstanceOf(ItemAlreadyExistsError);
    expect((await t.repos.clients.get('c-dup'))?.clientSecretHash).toBe('hash-a');
  });

  it('an unused dynamic registration expires; markUsed clears the expiry', async () => {
    await t.repos.clients.create(client('c-unused'), 3600);
    await t.repos.clients.create(client('c-used'), 3600);
    expect(await t.repos.clients.markUsed('c-used')).toBe(true);
    t.clock.advanceSeconds(3600);
    expect(await t.repos.clients.get('c-unused')).toBeUndefined();
    expect(await t.repos.clients.markUsed('c-unused')).toBe(false); // too late: cannot be revived
    expect(await t.repos.clients.get('c-used')).toMatchObject({ clientId: 'c-used', lastUsedAt: expect.any(Number) });
    expect((await t.repos.clients.get('c-used'))?.expiresAt).toBeUndefined();
  });

  it('markUsed can extend instead of clear; unknown clients are not created by it', async () => {
    await t.repos.clients.create(client('c-ext'), 60);
    expect(await t.repos.clients.markUsed('c-ext', { extendBySeconds: 7200 })).toBe(true);
    t.clock.advanceSeconds(3600);
    expect(await t.repos.clients.get('c-ext')).toBeDefined();
    expect(await t.repos.clients.markUsed('c-never')).toBe(false);
    expect(await t.repos.clients.get('c-never')).toBeUndefined();
  });

  it('an expired leftover registration may be replaced by a new one with the same id', async () => {
    await t.repos.clients.create(client('c-reuse'), 10);
    t.clock.advanceSeconds(11);
    await expect(t.repos.clients.create({ ...client('c-reuse'), clientName: 'second' })).resolves.toMatchObject({ clientName: 'second' });
  });
});
