import { Duration, Stack, type StackProps, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { METRICS, type MetricKey } from '@mcp-cognito/contracts';
import type { ServiceName } from '@mcp-cognito/routing';
import { alarmName, type SsmKey } from '../config/names';
import type { StageConfig } from '../config/stages';
import { AlarmTopic } from '../constructs/alarm-topic';
import { EMF_SERVICES, emfMetric } from '../constructs/emf-metrics';
import { serviceAlarmNames } from '../constructs/service-alarms';
import { readParameter } from '../constructs/shared-parameters';
import { READ_WRITE_ACTIONS } from '../constructs/table-access';
import { webAclMetricName } from './waf-stack';

export interface MonitoringStackProps extends StackProps {
  config: StageConfig;
  /** Region of the WAF stack, whose metrics the dashboard shows (CloudFront WAF metrics live in us-east-1). */
  wafRegion: string;
}

/** The DynamoDB operations the services use (SystemErrors is reported per operation). */
export const TABLE_OPERATIONS = READ_WRITE_ACTIONS.map((a) => a.replace('dynamodb:', ''));

const SERVICE_PARAMS: Record<ServiceName, { targetGroup: SsmKey; ecsService: SsmKey; title: string }> = {
  'auth-gateway': { targetGroup: 'gatewayTargetGroupFullName', ecsService: 'gatewayEcsServiceName', title: 'auth-gateway' },
  'mcp-tools': { targetGroup: 'toolsTargetGroupFullName', ecsService: 'toolsEcsServiceName', title: 'mcp-tools' },
};

/**
 * Monitoring of one stage (docs/operations.md): the alarm topic of the stage region, the stage-wide
 * alarms (ALB 5xx rate, refresh-token reuse, Cognito errors, DynamoDB throttles and errors, storage
 * unavailability per service - the per-service target-group alarms live in the service stacks, the WAF
 * alarm in the WAF stack), and one dashboard with every layer. Deployed last: it reads the target-group
 * and ECS service names the service stacks publish in SSM.
 */
export class MonitoringStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const t = config.alarms;
    const read = (key: SsmKey) => readParameter(this, config.stage, key);
    const topic = new AlarmTopic(this, 'Alarms', { stage: config.stage, email: config.alarmEmail, removalPolicy: config.removalPolicy });
    const notify = new actions.SnsAction(topic.topic);
    const albFullName = read('albFullName');
    const tableName = read('tableName');
    const clusterName = read('clusterName');

    const fiveMinutes = Duration.minutes(5);
    const alb = (metricName: string, statistic: string, extra: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        dimensionsMap: { LoadBalancer: albFullName, ...extra },
        statistic,
        period: Duration.minutes(1),
      });
    const table = (metricName: string, statistic: string, extra: Record<string, string> = {}, period = Duration.minutes(1)) =>
      new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: tableName, ...extra }, statistic, period });
    const alarm = (alarmId: string, name: string, description: string, metric: cloudwatch.Metric | cloudwatch.MathExpression, threshold: number, evaluationPeriods = 1) => {
      const a = metric.createAlarm(this, alarmId, {
        alarmName: alarmName(config.stage, name),
        alarmDescription: `${description} (docs/operations.md)`,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      this.alarms.push(a);
      return a;
    };
    // ---- stage-wide alarms ------------------------------------------------------------------
    alarm(
      'Alb5xxRate',
      'alb-5xx-rate',
      `More than ${t.fiveXxPercent}% of requests at the ALB ended in a 5xx (its own 502/503/504 or a service's) for 3 minutes`,
      new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, 100 * (elb + target) / requests, 0)',
        usingMetrics: { elb: alb('HTTPCode_ELB_5XX_Count', 'Sum'), target: alb('HTTPCode_Target_5XX_Count', 'Sum'), requests: alb('RequestCount', 'Sum') },
        period: Duration.minutes(1),
        label: 'ALB 5xx %',
      }),
      t.fiveXxPercent,
      3,
    );
    alarm(
      'RefreshTokenReuse',
      'refresh-token-reuse',
      `More than ${t.refreshReusePer5Min} rotated-out refresh tokens presented in 5 minutes (each revoked a grant: stolen tokens, or a client that loses its rotated token)`,
      emfMetric('refreshTokenReuse', 'auth-gateway', { period: fiveMinutes }),
      t.refreshReusePer5Min,
    );
    alarm(
      'CognitoUpstreamErrors',
      'cognito-upstream-errors',
      `More than ${t.upstreamErrorsPer5Min} failed Cognito calls in 5 minutes (outage, throttling or a rotated client secret)`,
      emfMetric('upstreamErrors', 'auth-gateway', { period: fiveMinutes }),
      t.upstreamErrorsPer5Min,
    );
    alarm(
      'UpstreamRevocationFailures',
      'upstream-revocation-failures',
      'Cognito did not confirm a refresh-token revocation (ended grants whose Cognito session lives on until the retrier succeeds)',
      emfMetric('upstreamRevocationFailures', 'auth-gateway', { period: fiveMinutes }),
      0,
    );
    alarm(
      'DynamoDbThrottles',
      'dynamodb-throttles',
      `More than ${t.dynamoThrottlesPer5Min} throttled DynamoDB reads/writes in 5 minutes`,
      new cloudwatch.MathExpression({
        expression: 'reads + writes',
        usingMetrics: { reads: table('ReadThrottleEvents', 'Sum', {}, fiveMinutes), writes: table('WriteThrottleEvents', 'Sum', {}, fiveMinutes) },
        period: fiveMinutes,
        label: 'throttle events',
      }),
      t.dynamoThrottlesPer5Min,
    );
    alarm(
      'DynamoDbSystemErrors',
      'dynamodb-system-errors',
      'DynamoDB answered 500s (SystemErrors) in two consecutive 5-minute periods',
      new cloudwatch.MathExpression({
        expression: TABLE_OPERATIONS.map((_, i) => `e${i}`).join(' + '),
        usingMetrics: Object.fromEntries(TABLE_OPERATIONS.map((op, i) => [`e${i}`, table('SystemErrors', 'Sum', { Operation: op }, fiveMinutes)])),
        period: fiveMinutes,
        label: 'system errors',
      }),
      0,
      2,
    );
    for (const service of EMF_SERVICES) {
      alarm(
        `StorageUnavailable-${service}`,
        `${service}-storage-unavailable`,
        `${service} answered more than ${t.storageUnavailablePer5Min} requests with 503 because the table did not answer in time, in 5 minutes`,
        emfMetric('storageUnavailable', service, { period: fiveMinutes }),
        t.storageUnavailablePer5Min,
      );
    }

    // ---- dashboard ----------------------------------------------------------------------------
    const w = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...options });
    const serviceAlarms = EMF_SERVICES.flatMap((s) => Object.values(serviceAlarmNames(config.stage, s)));
    const allAlarmNames = [...this.alarms.map((a) => a.alarmName), ...serviceAlarms];

    const waf = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName,
        dimensionsMap: { WebACL: webAclMetricName(config.stage), Rule: 'ALL' },
        statistic: 'Sum',
        period: Duration.minutes(5),
        region: props.wafRegion,
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `mcp-cognito-${config.stage}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          `# mcp-cognito ${config.stage}\n` +
          'What each graph and alarm means, and what to do: docs/operations.md. Application metrics are the services\' EMF lines ' +
          '(namespace and names from libs/contracts). WAF metrics are read from us-east-1.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms (this region; the WAF alarm is in us-east-1)',
        alarms: allAlarmNames.map((name, i) => cloudwatch.Alarm.fromAlarmName(this, `DashboardAlarm${i}`, name)),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      w('Edge: requests and 5xx at the ALB', [alb('RequestCount', 'Sum')], {
        right: [alb('HTTPCode_ELB_5XX_Count', 'Sum'), alb('HTTPCode_Target_5XX_Count', 'Sum'), alb('HTTPCode_Target_4XX_Count', 'Sum')],
      }),
      w('WAF (us-east-1): allowed / blocked / counted', [waf('AllowedRequests')], { right: [waf('BlockedRequests'), waf('CountedRequests')] }),
      w('ALB: rejected connections and target connection errors', [alb('RejectedConnectionCount', 'Sum'), alb('TargetConnectionErrorCount', 'Sum')]),
    );
    for (const service of EMF_SERVICES) {
      const p = SERVICE_PARAMS[service];
      const tg = { TargetGroup: read(p.targetGroup) };
      const ecsMetric = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ECS',
          metricName,
          dimensionsMap: { ClusterName: clusterName, ServiceName: read(p.ecsService) },
          statistic: 'Average',
          period: Duration.minutes(1),
        });
      this.dashboard.addWidgets(
        w(`${p.title}: requests and 5xx`, [alb('RequestCount', 'Sum', tg)], { right: [alb('HTTPCode_Target_5XX_Count', 'Sum', tg)], width: 6 }),
        w(`${p.title}: response time (s)`, [alb('TargetResponseTime', 'p50', tg), alb('TargetResponseTime', 'p99', tg)], { width: 6 }),
        w(`${p.title}: healthy / unhealthy targets`, [alb('HealthyHostCount', 'Minimum', tg), alb('UnHealthyHostCount', 'Maximum', tg)], { width: 6 }),
        w(`${p.title}: CPU / memory (%)`, [ecsMetric('CPUUtilization'), ecsMetric('MemoryUtilization')], { width: 6 }),
      );
    }
    // One graph per metric of libs/contracts, a line per service: a metric added there appears here.
    const emfWidgets = (Object.keys(METRICS) as MetricKey[]).map((key) =>
      w(`${METRICS[key].name} (${METRICS[key].unit === 'Milliseconds' ? 'p99 ms' : 'per minute'})`, EMF_SERVICES.map((s) => emfMetric(key, s)), { width: 6 }),
    );
    for (let i = 0; i < emfWidgets.length; i += 4) this.dashboard.addWidgets(...emfWidgets.slice(i, i + 4));
    this.dashboard.addWidgets(
      w('DynamoDB: consumed capacity', [table('ConsumedReadCapacityUnits', 'Sum'), table('ConsumedWriteCapacityUnits', 'Sum')], { width: 6 }),
      w('DynamoDB: throttles', [table('ReadThrottleEvents', 'Sum'), table('WriteThrottleEvents', 'Sum')], { width: 6 }),
      w('DynamoDB: system errors', TABLE_OPERATIONS.map((op) => table('SystemErrors', 'Sum', { Operation: op })), { width: 6 }),
      w('DynamoDB: p99 latency (ms)', ['GetItem', 'Query', 'UpdateItem'].map((op) => table('SuccessfulRequestLatency', 'p99', { Operation: op })), { width: 6 }),
    );
  }
}
