import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { freePort } from '@mcp-cognito/dev-stack';
import { createDynamoClients } from '@mcp-cognito/storage';
import { parseEncryptionKeyRing, decryptWithKeyRing } from '@mcp-cognito/tokens';
import { UpstreamRevocationRetrier } from '../src/families/upstream-revocation.retrier';
import { GatewayHarness } from './support/harness';
import { register, tokenRequest, type RegisteredClient } from './support/mcp-client';
import { countItems } from './support/flow-steps';
import { idpStats } from './support/idp-stats';
import { addClientSecret, clearFaults, clientSecretIds, deleteClientSecret, injectFault, repositories, setTokenRevocation, signIn, storedGrant } from './support/idp-dev-api';

/** A secret in the shape Cognito allows for a value of one's own (24-64 of [\w+]), so a test can put it back. */
const GATEWAY_SECRET = 'gatewaySecret+0123456789abcdef';

/**
 * RFC 7009 §2.2 at Cognito's /oauth2/revoke: only HTTP 200 means revoked. Cognito answers 400 `invalid_request` while
 * token revocation is off for the app client and 401 `invalid_client` for bad credentials; throttles and outages
 * decide nothing. A revocation Cognito did not confirm is retried within a bound, then surfaced - security event,
 * metric and a durable `REVOKE#` record that the retrier works off - never counted as done.
 */
describe('a failed upstream revocation is never silent', () => {
  let h: GatewayHarness;
  let client: RegisteredClient;

  beforeAll(async () => {
    h = await GatewayHarness.start({
      gatewayEnv: { COGNITO_TIMEOUT_MS: '1000', COGNITO_CLIENT_SECRET: GATEWAY_SECRET },
      idpEnv: { COGNITO_CLIENT_SECRET: GATEWAY_SECRET },
    });
    client = await register(h.url);
  });
  afterEach(async () => {
    await clearFaults(h);
    await setTokenRevocation(h, true);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const revoke = (token: string) =>
    fetch(`${h.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: client.client_id }).toString(),
    });

  /** The Cognito refresh token behind a grant, as the gateway stores it (decrypted with the storage keys). */
  async function cognitoRefreshToken(refreshToken: string): Promise<string> {
    const grant = await storedGrant(h, refreshToken);
    const ring = await parseEncryptionKeyRing(h.secrets.storageEncryptionKeys);
    const opened = await decryptWithKeyRing(grant!.upstream.refreshToken!.ciphertext, ring);
    if (!opened.ok) throw new Error('cannot open the stored Cognito refresh token');
    return opened.plaintext;
  }

  /** Whether Cognito (local-idp) still honours a refresh token of the gateway's app client. */
  async function aliveAtCognito(cognitoToken: string): Promise<boolean> {
    const res = await fetch(`${h.idp.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${h.env['COGNITO_CLIENT_ID']}:${GATEWAY_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cognitoToken }).toString(),
    });
    await res.body?.cancel();
    return res.status === 200;
  }

  const revocationRecords = async () => (await countItems(h))['REVOKE'] ?? 0;

  it('revocation disabled at Cognito (400 invalid_request): our grant ends, the Cognito token is recorded, then revoked once enabled', async () => {
    const t0 = await signIn(h, client);
    const upstream = await cognitoRefreshToken(t0.refresh_token);
    const records = await revocationRecords();
    const stats = await idpStats(h.idp.baseUrl);
    await setTokenRevocation(h, false);

    expect((await revoke(t0.refresh_token)).status).toBe(200); // RFC 7009: the client's revocation succeeded
    expect((await tokenRequest(h.url, { grant_type: 'refresh_token', refresh_token: t0.refresh_token, client_id: client.client_id })).body['error']).toBe('invalid_grant');
    // Cognito was asked three times (bounded retries), refused each time, and the token is still alive there...
    const afterStats = await idpStats(h.idp.baseUrl);
    expect(afterStats.revocations.total - stats.revocations.total).toBe(3);
    expect(afterStats.revocations.failed - stats.revocations.failed).toBe(3);
    expect(await aliveAtCognito(upstream)).toBe(true);
    // ...so it is kept, durably, to be retried.
    expect(await revocationRecords()).toBe(records + 1);
    expect(await repositories(h).upstreamRevocations.due(100)).toEqual([]); // the first retry waits a minute

    // An operator turns revocation back on; the retrier's next pass (made due here) confirms it.
    await setTokenRevocation(h, true);
    const retrier = h.instances[0]!.app.get(UpstreamRevocationRetrier);
    await forceDue(h);
    expect(await retrier.retryDue()).toEqual({ revoked: 1, failed: 0 });
    expect(await revocationRecords()).toBe(records);
    expect(await aliveAtCognito(upstream)).toBe(false);
  });

  it('bad client credentials at Cognito (401 invalid_client) are a failed revocation too', async () => {
    const t0 = await signIn(h, client);
    const upstream = await cognitoRefreshToken(t0.refresh_token);
    const records = await revocationRecords();
    // The app client's secret is replaced at Cognito behind the gateway's back.
    const [original] = await clientSecretIds(h);
    const replacement = await addClientSecret(h, 'replacementSecret0123456789abcdef');
    await deleteClientSecret(h, original!);
    try {
      expect((await revoke(t0.refresh_token)).status).toBe(200);
      expect(await revocationRecords()).toBe(records + 1);
    } finally {
      await addClientSecret(h, GATEWAY_SECRET);
      await deleteClientSecret(h, replacement);
    }
    expect(await aliveAtCognito(upstream)).toBe(true);
    await forceDue(h);
    expect(await h.instances[0]!.app.get(UpstreamRevocationRetrier).retryDue()).toEqual({ revoked: 1, failed: 0 });
    expect(await aliveAtCognito(upstream)).toBe(false);
  });

  it('an outage shorter than the retry bound is absorbed inline: no record', async () => {
    const t0 = await signIn(h, client);
    const upstream = await cognitoRefreshToken(t0.refresh_token);
    const records = await revocationRecords();
    await injectFault(h, { endpoint: 'revoke', kind: 'unavailable', times: 2 });
    expect((await revoke(t0.refresh_token)).status).toBe(200);
    expect(await revocationRecords()).toBe(records);
    expect(await aliveAtCognito(upstream)).toBe(false);
  });

  it('a throttled or unreachable Cognito is retried later, by one instance per record', async () => {
    const t0 = await signIn(h, client);
    const records = await revocationRecords();
    await injectFault(h, { endpoint: 'revoke', kind: 'throttle', times: 3 });
    const started = Date.now();
    expect((await revoke(t0.refresh_token)).status).toBe(200);
    // Bounded: three attempts within 1.5 x COGNITO_TIMEOUT_MS.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await revocationRecords()).toBe(records + 1);

    await forceDue(h);
    const second = await h.startInstance(await freePort());
    const before = (await idpStats(h.idp.baseUrl)).revocations.total;
    const passes = await Promise.all([h.instances[0]!, second].map((i) => i.app.get(UpstreamRevocationRetrier).retryDue()));
    expect(passes.reduce((n, p) => n + p.revoked, 0)).toBe(1);
    expect((await idpStats(h.idp.baseUrl)).revocations.total - before).toBe(1);
    expect(await revocationRecords()).toBe(records);
  });
});

/** Makes every recorded revocation due now (the retrier would otherwise wait a minute or more). */
async function forceDue(h: GatewayHarness): Promise<void> {
  const clients = createDynamoClients({ region: 'us-east-1', endpoint: h.dynamo.endpoint, tableName: 'mcp-cognito' });
  try {
    const out = await clients.doc.send(
      new QueryCommand({ TableName: 'mcp-cognito', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REVOKE#queue' } }),
    );
    for (const item of out.Items ?? []) {
      await clients.doc.send(
        new UpdateCommand({
          TableName: 'mcp-cognito',
          Key: { pk: item['pk'], sk: item['sk'] },
          UpdateExpression: 'SET nextAttemptAt = :past',
          ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
        }),
      );
    }
  } finally {
    clients.destroy();
  }
}
