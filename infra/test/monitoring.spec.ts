import { Match, Template } from 'aws-cdk-lib/assertions';
import { METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION } from '@mcp-cognito/contracts';
import { alarmName, alarmTopicName } from '../src/config/names';
import { type StageName } from '../src/config/stages';
import { TABLE_OPERATIONS } from '../src/stacks/monitoring-stack';
import { buildTestApp, resourcesOf } from './helpers';

type Json = Record<string, unknown>;
const STAGES: StageName[] = ['dev', 'prod'];

/** Dimension names a metric of this app may carry: AWS resource names and the bounded labels of libs/contracts. */
const ALLOWED_DIMENSIONS = new Set([
  SERVICE_DIMENSION,
  ...Object.values(METRICS).flatMap((m) => ('dimension' in m ? [m.dimension] : [])),
  'LoadBalancer',
  'TargetGroup',
  'TableName',
  'Operation',
  'ClusterName',
  'ServiceName',
  'WebACL',
  'Rule',
]);

/** Every metric (dimensions included) of every alarm in the templates. */
function alarmMetrics(template: Template): Array<{ alarm: string; namespace?: string; name?: string; dimensions: Array<{ Name: string; Value: unknown }> }> {
  return resourcesOf(template, 'AWS::CloudWatch::Alarm').flatMap(([, r]) => {
    const p = r.Properties;
    const alarm = p['AlarmName'] as string;
    if (p['MetricName']) return [{ alarm, namespace: p['Namespace'] as string, name: p['MetricName'] as string, dimensions: (p['Dimensions'] as never) ?? [] }];
    return ((p['Metrics'] as Json[]) ?? [])
      .filter((m) => m['MetricStat'])
      .map((m) => {
        const metric = (m['MetricStat'] as Json)['Metric'] as Json;
        return { alarm, namespace: metric['Namespace'] as string, name: metric['MetricName'] as string, dimensions: (metric['Dimensions'] as never) ?? [] };
      });
  });
}

/** The dashboard body as JSON, with CloudFormation tokens replaced by a marker. */
function dashboardBody(template: Template): Json {
  const [[, dashboard]] = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
  const body = dashboard.Properties['DashboardBody'] as { 'Fn::Join': [string, unknown[]] };
  return JSON.parse(body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as Json;
}

describe.each(STAGES)('observability (%s)', (stage) => {
  let stacks: Record<'monitoring' | 'gateway' | 'tools' | 'waf', Template>;

  beforeAll(() => {
    const app = buildTestApp(stage);
    stacks = {
      monitoring: Template.fromStack(app.monitoring),
      gateway: Template.fromStack(app.gateway),
      tools: Template.fromStack(app.tools),
      waf: Template.fromStack(app.waf),
    };
  });

  it('an encrypted alarm topic (own key: CloudWatch may use it, only for this account) named for the service stacks to find', () => {
    stacks.monitoring.hasResourceProperties('AWS::SNS::Topic', { TopicName: alarmTopicName(stage), KmsMasterKeyId: Match.anyValue() });
    stacks.monitoring.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      }),
    });
    stacks.monitoring.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    });
  });

  it.each([
    ['alb-5xx-rate', 'monitoring'],
    ['auth-gateway-5xx-rate', 'gateway'],
    ['mcp-tools-5xx-rate', 'tools'],
    ['auth-gateway-unhealthy-targets', 'gateway'],
    ['mcp-tools-unhealthy-targets', 'tools'],
    ['auth-gateway-p99-latency', 'gateway'],
    ['mcp-tools-p99-latency', 'tools'],
    ['refresh-token-reuse', 'monitoring'],
    ['waf-blocked-requests', 'waf'],
    ['dynamodb-throttles', 'monitoring'],
    ['dynamodb-system-errors', 'monitoring'],
    ['auth-gateway-storage-unavailable', 'monitoring'],
    ['mcp-tools-storage-unavailable', 'monitoring'],
    ['cognito-upstream-errors', 'monitoring'],
    ['upstream-revocation-failures', 'monitoring'],
  ] as const)('alarm %s (in the %s stack) notifies on alarm and on recovery', (name, where) => {
    const [[, alarm]] = resourcesOf(stacks[where], 'AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties['AlarmName'] === alarmName(stage, name));
    expect(alarm.Properties['AlarmActions']).toHaveLength(1);
    expect(alarm.Properties['OKActions']).toEqual(alarm.Properties['AlarmActions']);
    expect(JSON.stringify(alarm.Properties['AlarmActions'])).toMatch(where === 'monitoring' || where === 'waf' ? /AlarmsTopic/ : new RegExp(`:${alarmTopicName(stage)}`));
    expect(alarm.Properties['TreatMissingData']).toBe('notBreaching');
  });

  it('application alarms read the services\' EMF metrics by the names and namespace libs/contracts defines, on the [Service] dimension set', () => {
    const emf = alarmMetrics(stacks.monitoring).filter((m) => m.namespace === METRICS_NAMESPACE);
    expect(emf.map((m) => m.name).sort()).toEqual(
      [
        METRICS.refreshTokenReuse.name,
        METRICS.upstreamErrors.name,
        METRICS.upstreamRevocationFailures.name,
        METRICS.storageUnavailable.name,
        METRICS.storageUnavailable.name,
      ].sort(),
    );
    for (const m of emf) expect(m.dimensions.map((d) => d.Name)).toEqual([SERVICE_DIMENSION]);
    const byAlarm = Object.fromEntries(emf.map((m) => [m.alarm, m.dimensions[0].Value]));
    expect(byAlarm[alarmName(stage, 'refresh-token-reuse')]).toBe('auth-gateway');
    expect(byAlarm[alarmName(stage, 'cognito-upstream-errors')]).toBe('auth-gateway');
    expect(byAlarm[alarmName(stage, 'upstream-revocation-failures')]).toBe('auth-gateway');
    expect(byAlarm[alarmName(stage, 'mcp-tools-storage-unavailable')]).toBe('mcp-tools');
  });

  it('DynamoDB alarms: throttles of the table, system errors of every operation the services use', () => {
    const dynamo = alarmMetrics(stacks.monitoring).filter((m) => m.namespace === 'AWS/DynamoDB');
    expect(dynamo.filter((m) => m.alarm === alarmName(stage, 'dynamodb-throttles')).map((m) => m.name)).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    const errors = dynamo.filter((m) => m.alarm === alarmName(stage, 'dynamodb-system-errors'));
    expect(errors.map((m) => m.dimensions.find((d) => d.Name === 'Operation')?.Value).sort()).toEqual([...TABLE_OPERATIONS].sort());
  });

  it('never a token, code, secret or user in a metric dimension: only AWS resource names and bounded labels', () => {
    for (const template of Object.values(stacks)) {
      for (const m of alarmMetrics(template)) for (const d of m.dimensions) expect([m.alarm, d.Name, ALLOWED_DIMENSIONS.has(d.Name)]).toEqual([m.alarm, d.Name, true]);
    }
    const widgets = dashboardBody(stacks.monitoring)['widgets'] as Json[];
    const metricArrays = widgets.flatMap((w) => (((w['properties'] as Json)['metrics'] as unknown[][]) ?? []));
    for (const metric of metricArrays) {
      // [namespace, name, dimName, dimValue, ..., {options}]
      const parts = metric.filter((p) => typeof p === 'string') as string[];
      for (let i = 2; i < parts.length; i += 2) expect([parts.join('/'), ALLOWED_DIMENSIONS.has(parts[i])]).toEqual([parts.join('/'), true]);
    }
    for (const d of ALLOWED_DIMENSIONS) expect(d).not.toMatch(/token|code|secret|user|sub|client/i);
  });

  it('one dashboard per stage with every layer: edge, WAF (us-east-1), each service, every contracts metric, DynamoDB, alarm status', () => {
    stacks.monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    stacks.monitoring.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `mcp-cognito-${stage}` });
    const widgets = dashboardBody(stacks.monitoring)['widgets'] as Json[];
    const titles = widgets.map((w) => (w['properties'] as Json)['title'] as string | undefined).filter(Boolean) as string[];
    for (const metric of Object.values(METRICS)) expect(titles.some((t) => t.startsWith(`${metric.name} (`))).toBe(true);
    for (const expected of ['Edge', 'WAF', 'auth-gateway', 'mcp-tools', 'DynamoDB', 'Alarms']) expect(titles.some((t) => t.includes(expected))).toBe(true);
    const waf = widgets.find((w) => ((w['properties'] as Json)['title'] as string | undefined)?.startsWith('WAF'))!;
    const wafMetrics = (waf['properties'] as Json)['metrics'] as unknown[][];
    for (const m of wafMetrics) expect(m[m.length - 1]).toMatchObject({ region: 'us-east-1' });
    const alarmWidget = widgets.find((w) => (w['type'] as string) === 'alarm')!;
    expect(((alarmWidget['properties'] as Json)['alarms'] as string[]).length).toBe(14);
  });

  it('EMF lines need nothing from the task: no cloudwatch:PutMetricData in any role (CloudWatch Logs extracts the metrics)', () => {
    for (const template of [stacks.gateway, stacks.tools]) expect(JSON.stringify(template.toJSON())).not.toContain('PutMetricData');
  });
});
