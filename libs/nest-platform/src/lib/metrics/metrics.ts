import { Logger } from '@nestjs/common';
import { METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricKey } from '@mcp-cognito/contracts';

/**
 * Writes the metrics of libs/contracts as CloudWatch Embedded Metric Format lines (one JSON log line per value,
 * turned into metrics by CloudWatch Logs: no API call, no agent). Each value goes to the `[Service]` dimension set
 * and, with a label, to `[Service, <the metric's dimension>]` too (the set the infra app's alarms and dashboard read).
 * Labels must be bounded (an operation, an error code): never a user, token, code or grant.
 */
export class Metrics {
  private readonly logger = new Logger('metrics');

  constructor(private readonly service: string) {}

  /** Adds `value` (default 1) to a Count metric. */
  count(key: MetricKey, label?: string, value = 1): void {
    this.emit(key, value, label);
  }

  /** Records one duration of a Milliseconds metric. */
  timing(key: MetricKey, milliseconds: number, label?: string): void {
    this.emit(key, Math.round(milliseconds), label);
  }

  private emit(key: MetricKey, value: number, label?: string): void {
    const definition = METRICS[key] as { name: string; unit: string; dimension?: string };
    const detailed = definition.dimension !== undefined && label !== undefined;
    this.logger.log({
      event: 'metric',
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: detailed ? [[SERVICE_DIMENSION], [SERVICE_DIMENSION, definition.dimension]] : [[SERVICE_DIMENSION]],
            Metrics: [{ Name: definition.name, Unit: definition.unit }],
          },
        ],
      },
      [SERVICE_DIMENSION]: this.service,
      ...(detailed ? { [definition.dimension as string]: label } : {}),
      [definition.name]: value,
    });
  }
}
