import { GatewayHarness } from './support/harness';

/** Load-balancer health: the table must answer; a failed check is a 503 with terminus' report. */
describe('health checks report real dependencies', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await GatewayHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers 200 with DynamoDB up, then 503 with the report (not an OAuth error) when the table is gone', async () => {
    const up = await fetch(`${h.url}/health`);
    expect(up.status).toBe(200);
    expect(((await up.json()) as { info: { dynamodb: { status: string } } }).info.dynamodb.status).toBe('up');
    await h.dynamo.stop();
    const down = await fetch(`${h.url}/health`);
    expect(down.status).toBe(503);
    expect(down.headers.get('cache-control')).toBe('no-store');
    const body = (await down.json()) as { status: string; error: { dynamodb: { status: string } } };
    expect(body.status).toBe('error');
    expect(body.error.dynamodb.status).toBe('down');
  });
});
