import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricKey } from '@mcp-cognito/contracts';
import type { ServiceName } from '@mcp-cognito/routing';

/** The services that emit Embedded Metric Format lines (their `Service` dimension values). */
export const EMF_SERVICES: readonly ServiceName[] = ['auth-gateway', 'mcp-tools'];

/**
 * One metric the services write as CloudWatch Embedded Metric Format (libs/contracts `METRICS`), on the
 * `[Service]` dimension set - every value is also emitted there, so alarms and totals never depend on
 * the detailed dimension's values. Names come only from libs/contracts: the dashboard cannot drift from
 * what the services emit.
 */
export function emfMetric(key: MetricKey, service: ServiceName, options: { statistic?: string; period?: Duration } = {}): cloudwatch.Metric {
  const definition = METRICS[key];
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: definition.name,
    dimensionsMap: { [SERVICE_DIMENSION]: service },
    statistic: options.statistic ?? (definition.unit === 'Milliseconds' ? 'p99' : 'Sum'),
    period: options.period ?? Duration.minutes(1),
    label: `${service} ${definition.name}`,
  });
}
