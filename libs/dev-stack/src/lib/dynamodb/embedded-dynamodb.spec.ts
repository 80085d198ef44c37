import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port';
import { startDynalite } from './dynalite';
import { startDynamoDbLocalJar } from './dynamodb-local-jar';
import { embeddedEngineFromEnv } from './embedded-dynamodb';
import type { EmbeddedDynamoDb } from './types';

function client(endpoint: string, region = 'eu-west-1', accessKeyId = 'local') {
  return new DynamoDBClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function createAndList(db: EmbeddedDynamoDb, table: string): Promise<string[]> {
  const c = client(db.endpoint);
  try {
    await c.send(new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    return (await c.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    c.destroy();
  }
}

/** True when something accepts TCP connections on host:port. */
async function answers(endpoint: string): Promise<boolean> {
  const c = client(endpoint);
  try {
    await c.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    c.destroy();
  }
}

function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('freePort', () => {
  it('returns distinct usable ports', async () => {
    const [a, b] = await Promise.all([freePort(), freePort()]);
    expect(a).toBeGreaterThan(0);
    expect(a).not.toBe(b);
  });
});

describe('embedded engine selection (DYNAMODB_ENGINE)', () => {
  it('defaults to dynalite, accepts dynamodb-local, refuses anything else', () => {
    expect(embeddedEngineFromEnv({})).toBe('dynalite');
    expect(embeddedEngineFromEnv({ DYNAMODB_ENGINE: 'dynamodb-local' })).toBe('dynamodb-local');
    expect(() => embeddedEngineFromEnv({ DYNAMODB_ENGINE: 'dynamo' })).toThrow(/DYNAMODB_ENGINE/);
  });
});

describe('dynalite launcher', () => {
  it('starts on loopback, answers the DynamoDB API, and stops', async () => {
    const db = await startDynalite();
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(db.engine).toBe('dynalite');
    expect(await createAndList(db, 'launcher-test')).toEqual(['launcher-test']);
    await db.stop();
    await db.stop(); // idempotent
    expect(await answers(db.endpoint)).toBe(false);
  });

  it('listens on the requested port', async () => {
    const port = await freePort();
    const db = await startDynalite({ port });
    try {
      expect(db.endpoint).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await db.stop();
    }
  });
});

describe('DynamoDB Local launcher (jar, no Docker)', () => {
  it('explains how to provision the jar when it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-ddb-local-'));
    await expect(startDynamoDbLocalJar({ dir: empty })).rejects.toThrow(/provision-dynamodb-local\.sh/);
  });

  it('starts the real engine from the jar, shares one DB across regions/keys, binds loopback, stops', async () => {
    // The jar is provisioned by the script (idempotent; a no-op when present).
    const root = join(__dirname, '../../../../..');
    execFileSync('bash', [join(root, 'tools/scripts/provision-dynamodb-local.sh')], { stdio: 'ignore' });
    const db = await startDynamoDbLocalJar();
    try {
      expect(db).toMatchObject({ engine: 'dynamodb-local', runtime: 'jar' });
      expect(await createAndList(db, 'launcher-test')).toEqual(['launcher-test']);
      // -sharedDb: another region and access key see the same table (DynamoDB Local wants [A-Za-z0-9] key ids)
      const other = client(db.endpoint, 'us-east-1', 'someoneElse2');
      expect((await other.send(new ListTablesCommand({}))).TableNames).toEqual(['launcher-test']);
      other.destroy();
      // loopback only: this machine's non-loopback address must refuse the port
      const external = externalIPv4();
      if (external) expect(await tcpConnects(external, Number(new URL(db.endpoint).port))).toBe(false);
    } finally {
      await db.stop();
    }
    expect(await answers(db.endpoint)).toBe(false);
  }, 60_000);
});
