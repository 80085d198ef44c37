import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDevSecrets, loadOrCreateDevSecrets } from './dev-secrets';

describe('local dev secrets (.local/dev-secrets.json)', () => {
  it("local-idp gets two RS256 keys, like a Cognito user pool's JWKS (ID and access tokens)", async () => {
    const secrets = await generateDevSecrets();
    const { keys } = JSON.parse(secrets.localIdpSigningJwks) as { keys: Array<{ kid: string; alg: string }> };
    expect(keys.map((k) => k.alg)).toEqual(['RS256', 'RS256']);
    expect(keys[0]!.kid).not.toBe(keys[1]!.kid);
  });

  it('a set written with one local-idp key gets a second one, and keeps every other value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-secrets-'));
    const old = await generateDevSecrets();
    const first = (JSON.parse(old.localIdpSigningJwks) as { keys: unknown[] }).keys[0];
    writeFileSync(join(dir, 'dev-secrets.json'), JSON.stringify({ ...old, localIdpSigningJwks: JSON.stringify({ keys: [first] }) }));
    const { secrets, created } = await loadOrCreateDevSecrets(dir);
    expect(created).toBe(false);
    const { keys } = JSON.parse(secrets.localIdpSigningJwks) as { keys: unknown[] };
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual(first);
    expect(secrets.cognitoClientSecret).toBe(old.cognitoClientSecret);
    expect(JSON.parse(readFileSync(join(dir, 'dev-secrets.json'), 'utf8'))).toEqual(secrets);
    // Upgraded once: the next start keeps it as it is.
    expect((await loadOrCreateDevSecrets(dir)).secrets).toEqual(secrets);
  });
});
