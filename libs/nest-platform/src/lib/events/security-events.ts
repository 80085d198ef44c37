import { Injectable, Logger, Optional } from '@nestjs/common';
import { EVENT_METRICS, WARNING_EVENTS, type SecurityEventFields, type SecurityEventName } from '@mcp-cognito/contracts';
import { Metrics } from '../metrics/metrics';

/**
 * Emits security events (libs/contracts vocabulary) as structured log lines of the `security` logger:
 * `{ event, ...fields }`, at `warn` for refusals and suspected attacks, `info` otherwise, and counts the ones that
 * are metrics too (`EVENT_METRICS`). One emitter for every service, so every event has the same shape wherever it
 * happens.
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('security');

  /** Events listed in libs/contracts' `EVENT_METRICS` are also counted (when the service has metrics). */
  constructor(@Optional() private readonly metrics?: Metrics) {}

  /** `correlation.reqId`: the request's id, where the event's line would otherwise not carry it (fastify-hook services). */
  emit<N extends SecurityEventName>(event: N, fields: SecurityEventFields[N], correlation?: { reqId?: string }): void {
    const line = { event, ...fields, ...(correlation?.reqId !== undefined ? { reqId: correlation.reqId } : {}) };
    if (WARNING_EVENTS.has(event)) this.logger.warn(line);
    else this.logger.log(line);
    const counted = EVENT_METRICS[event] as { metric: Parameters<Metrics['count']>[0]; label?: (f: SecurityEventFields[N]) => string | undefined } | undefined;
    if (counted !== undefined) this.metrics?.count(counted.metric, counted.label?.(fields));
  }
}
