import { Duration, aws_cloudwatch as cloudwatch, type aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { alarmName } from '../config/names';
import type { StageName } from '../config/stages';

export interface ServiceAlarmsProps {
  stage: StageName;
  service: string;
  targetGroup: elbv2.ApplicationTargetGroup;
  /** `app/<name>/<id>` of the shared ALB (the `LoadBalancer` dimension). */
  albFullName: string;
  fiveXxPercent: number;
  p99LatencyMs: number;
  action: cloudwatch.IAlarmAction;
}

/** Below this many requests a minute, a 5xx percentage is noise (one failure of three is not an outage). */
export const MIN_REQUESTS_FOR_RATE = 20;

/** Alarm names of a service: `<service>-5xx-rate`, `<service>-unhealthy-targets`, `<service>-p99-latency`. */
export const serviceAlarmNames = (stage: StageName, service: string) => ({
  fiveXx: alarmName(stage, `${service}-5xx-rate`),
  unhealthy: alarmName(stage, `${service}-unhealthy-targets`),
  p99: alarmName(stage, `${service}-p99-latency`),
});

/**
 * One service's alarms on its target group (AWS/ApplicationELB): 5xx rate, unhealthy targets, p99
 * latency. The first two also gate deployments (ECS rolls back a release that trips them).
 */
export class ServiceAlarms extends Construct {
  readonly fiveXxRate: cloudwatch.Alarm;
  readonly unhealthyTargets: cloudwatch.Alarm;
  readonly p99Latency: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const names = serviceAlarmNames(props.stage, props.service);
    const dimensionsMap = { TargetGroup: props.targetGroup.targetGroupFullName, LoadBalancer: props.albFullName };
    const elb = (metricName: string, statistic: string, period = Duration.minutes(1)) =>
      new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName, dimensionsMap, statistic, period });

    this.fiveXxRate = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${MIN_REQUESTS_FOR_RATE}, 100 * errors / requests, 0)`,
      usingMetrics: { errors: elb('HTTPCode_Target_5XX_Count', 'Sum'), requests: elb('RequestCount', 'Sum') },
      period: Duration.minutes(1),
      label: `${props.service} 5xx %`,
    }).createAlarm(this, 'FiveXxRate', {
      alarmName: names.fiveXx,
      alarmDescription: `${props.service} answered more than ${props.fiveXxPercent}% 5xx for 3 minutes (docs/operations.md)`,
      threshold: props.fiveXxPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.unhealthyTargets = elb('UnHealthyHostCount', 'Maximum').createAlarm(this, 'UnhealthyTargets', {
      alarmName: names.unhealthy,
      alarmDescription: `${props.service} has targets failing /health for 3 minutes (docs/operations.md)`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // TargetResponseTime is in seconds.
    this.p99Latency = elb('TargetResponseTime', 'p99').createAlarm(this, 'P99Latency', {
      alarmName: names.p99,
      alarmDescription: `${props.service} p99 response time above ${props.p99LatencyMs} ms for 5 minutes (docs/operations.md)`,
      threshold: props.p99LatencyMs / 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const alarm of [this.fiveXxRate, this.unhealthyTargets, this.p99Latency]) {
      alarm.addAlarmAction(props.action);
      alarm.addOkAction(props.action);
    }
  }
}
