import { join } from 'node:path';
import { DeleteTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildServiceEnvironments, findWorkspaceRoot, freePort, generateDevSecrets, startServiceProcess, type ServiceProcess } from '@mcp-cognito/dev-stack';
import { DynamoDbProcess, outputLog } from './support/fault-stack';

const TRIALS = 20;

/**
 * Issue 18 "idempotent start-up": the gateway and the tools service started at the same moment on an empty DynamoDB
 * Local both create the table and enable its TTL (`DYNAMODB_CREATE_TABLE=true`, as docker compose and `npm start` run
 * them). Before the fix the loser exited with `ValidationException: TimeToLive is already enabled` in 4 of 10 trials.
 * Done when: 20 trials, 0 crashes.
 */
describe('two services starting at once on an empty DynamoDB Local', () => {
  let dynamo: DynamoDbProcess;
  let admin: DynamoDBClient;
  let env: ReturnType<typeof buildServiceEnvironments>;
  const log = outputLog();
  const root = findWorkspaceRoot();

  beforeAll(async () => {
    dynamo = await DynamoDbProcess.start();
    admin = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    // Neither service talks to the identity provider before its first request: no local-idp needed here.
    env = buildServiceEnvironments({
      secrets: await generateDevSecrets(),
      dynamoEndpoint: dynamo.endpoint,
      idpUrl: 'http://127.0.0.1:9',
      gatewayUrl: `http://127.0.0.1:${await freePort()}`,
      toolsUrl: `http://127.0.0.1:${await freePort()}`,
      logLevel: 'warn',
    });
  }, 60_000);

  afterAll(async () => {
    admin?.destroy();
    await dynamo?.stop();
  });

  it(`${TRIALS} trials: both start every time (0 crashes), the table exists once with TTL on expiresAt`, async () => {
    const crashes: string[] = [];
    const startMs: number[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      // An empty engine: the table of the previous trial is gone.
      await admin.send(new DeleteTableCommand({ TableName: 'mcp-cognito' })).catch(() => undefined);
      const [gatewayPort, toolsPort] = [await freePort(), await freePort()];
      const started = Date.now();
      const results = await Promise.allSettled([
        startServiceProcess({ name: `gateway#${trial}`, main: join(root, 'dist/apps/auth-gateway/main.js'), env: { ...env.gateway, PORT: String(gatewayPort) }, healthUrl: `http://127.0.0.1:${gatewayPort}/health`, timeoutMs: 60_000, output: log.sink, cwd: root }),
        startServiceProcess({ name: `tools#${trial}`, main: join(root, 'dist/apps/mcp-tools/main.js'), env: { ...env.tools, PORT: String(toolsPort) }, healthUrl: `http://127.0.0.1:${toolsPort}/health`, timeoutMs: 60_000, output: log.sink, cwd: root }),
      ]);
      startMs.push(Date.now() - started);
      for (const r of results) if (r.status === 'rejected') crashes.push(`trial ${trial}: ${(r.reason as Error).message.split('\n').slice(0, 6).join(' | ')}`);
      const running = results.filter((r): r is PromiseFulfilledResult<ServiceProcess> => r.status === 'fulfilled').map((r) => r.value);
      await Promise.all(running.map((p) => p.stop(15_000)));
    }
    process.stderr.write(`\nfaults: ${TRIALS} simultaneous starts, ${crashes.length} crashes, both healthy after ${Math.min(...startMs)}-${Math.max(...startMs)} ms\n`);
    expect(crashes).toEqual([]);
    const ttl = await admin.send(new DescribeTimeToLiveCommand({ TableName: 'mcp-cognito' })).catch(() => undefined);
    // The last trial's table was kept: created once, TTL on.
    expect(ttl?.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });
});
