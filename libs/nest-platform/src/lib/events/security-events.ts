import { Injectable, Logger } from '@nestjs/common';
import { WARNING_EVENTS, type SecurityEventFields, type SecurityEventName } from '@mcp-cognito/contracts';

/**
 * Emits security events (libs/contracts vocabulary) as structured log lines of the `security` logger:
 * `{ event, ...fields }`, at `warn` for refusals and suspected attacks, `info` otherwise. One emitter for every
 * service, so every event has the same shape wherever it happens.
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('security');

  /** `correlation.reqId`: the request's id, where the event's line would otherwise not carry it (fastify-hook services). */
  emit<N extends SecurityEventName>(event: N, fields: SecurityEventFields[N], correlation?: { reqId?: string }): void {
    const line = { event, ...fields, ...(correlation?.reqId !== undefined ? { reqId: correlation.reqId } : {}) };
    if (WARNING_EVENTS.has(event)) this.logger.warn(line);
    else this.logger.log(line);
  }
}
