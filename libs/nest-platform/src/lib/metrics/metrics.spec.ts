import { METRICS, METRICS_NAMESPACE } from '@mcp-cognito/contracts';
import { SecurityEvents } from '../events/security-events';
import { Metrics } from './metrics';

interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [member: string]: unknown;
}

/**
 * The rules of the CloudWatch Embedded Metric Format specification that CloudWatch Logs enforces when it extracts
 * metrics (a document breaking one is stored as a log line and yields no metric).
 */
function expectValidEmf(line: string): EmfDocument {
  expect(Buffer.byteLength(line)).toBeLessThan(4096); // one atomic pipe write: never interleaved with a log line
  const doc = JSON.parse(line) as EmfDocument;
  expect(Number.isInteger(doc._aws.Timestamp)).toBe(true);
  expect(doc._aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of doc._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      // Every dimension is a string member of the document.
      for (const name of set) expect(typeof doc[name]).toBe('string');
    }
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const metric of directive.Metrics) {
      const value = doc[metric.Name];
      const values = Array.isArray(value) ? value : [value];
      expect(values.length).toBeGreaterThan(0);
      expect(values.length).toBeLessThanOrEqual(100);
      for (const v of values) expect(typeof v).toBe('number');
    }
  }
  return doc;
}

describe('CloudWatch Embedded Metric Format: the services\' metrics', () => {
  let metrics: Metrics;
  beforeEach(() => {
    metrics = new Metrics('auth-gateway');
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    metrics.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  it('writes nothing when nothing was counted', () => {
    expect(metrics.flush()).toEqual([]);
  });

  it('counts per label, and writes each value twice: Service only (alarms) and Service + its dimension (detail)', () => {
    metrics.count('tokensIssued', 'authorization_code');
    metrics.count('tokensIssued', 'refresh_token');
    metrics.count('tokensIssued', 'refresh_token');
    metrics.count('refreshTokenReuse');
    const docs = metrics.flush(1_700_000_000_000).map(expectValidEmf);
    const byDimensions = (set: string[]) => docs.filter((d) => JSON.stringify(d._aws.CloudWatchMetrics[0]!.Dimensions) === JSON.stringify([set]));
    const [total] = byDimensions(['Service']);
    expect(total).toMatchObject({ Service: 'auth-gateway', TokensIssued: 3, RefreshTokenReuse: 1, _aws: { Timestamp: 1_700_000_000_000 } });
    expect(byDimensions(['Service', 'GrantType']).map((d) => [d['GrantType'], d['TokensIssued']]).sort()).toEqual([
      ['authorization_code', 1],
      ['refresh_token', 2],
    ]);
    // What was written is gone: the next flush starts from zero.
    expect(metrics.flush()).toEqual([]);
  });

  it('names and units are libs/contracts\' (the infra app\'s dashboard and alarms read the same catalogue)', () => {
    metrics.timing('upstreamLatency', 42.4, 'token');
    const [total] = metrics.flush().map(expectValidEmf);
    expect(total!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: METRICS.upstreamLatency.name, Unit: 'Milliseconds' }]);
    expect(total![METRICS.upstreamLatency.name]).toEqual([42]);
  });

  it('a dimension stays bounded: a label that is not a short plain token is written as "other", never as given', () => {
    metrics.count('resourceAuthFailures', 'eyJhbGciOiJFUzI1NiJ9 <script>');
    metrics.count('resourceAuthFailures', 'x'.repeat(200));
    const docs = metrics.flush().map(expectValidEmf);
    const labels = docs.map((d) => d['Reason']).filter((v) => v !== undefined);
    expect(labels).toEqual(['other']);
    expect(docs.find((d) => d['Reason'] === 'other')?.['ResourceAuthFailures']).toBe(2);
  });

  it('a latency keeps at most 100 samples per minute (the EMF limit per metric value array)', () => {
    for (let i = 0; i < 250; i++) metrics.timing('upstreamLatency', i, 'refresh');
    for (const doc of metrics.flush().map(expectValidEmf)) expect((doc['UpstreamLatency'] as number[]).length).toBe(100);
  });

  it('every metric at once still fits one small line per dimension set', () => {
    for (const key of Object.keys(METRICS) as Array<keyof typeof METRICS>) {
      if (METRICS[key].unit === 'Milliseconds') for (let i = 0; i < 100; i++) metrics.timing(key, 1000 + i, 'refresh');
      else metrics.count(key, 'some_label');
    }
    metrics.flush().forEach(expectValidEmf);
  });

  it('security events listed in EVENT_METRICS are counted as they are emitted', () => {
    const events = new SecurityEvents(metrics);
    events.emit('token.issued', { grant_type: 'refresh_token', client_id: 'c', sub: 's', grant: 'g', jti: 'j' });
    events.emit('tool.failed', { tool: 'notes_get', sub: 's' });
    events.emit('consent.denied', { client_id: 'c', resource: 'r' });
    events.emit('client.registration_rejected', { error: 'invalid_client_metadata', reason: 'x' }); // not a metric
    const docs = metrics.flush().map(expectValidEmf);
    expect(docs[0]).toMatchObject({ TokensIssued: 1, ToolErrors: 1, ConsentDecisions: 1 });
    expect(docs.map((d) => d['Tool'] ?? d['Decision'] ?? d['GrantType']).filter(Boolean).sort()).toEqual(['denied', 'notes_get', 'refresh_token']);
    // Nothing of the event's identities (sub, client, grant) reaches a metric.
    expect(JSON.stringify(docs)).not.toMatch(/"s"|"c"|"g"|"j"/);
  });
});
