import { Injectable, Logger } from '@nestjs/common';

/**
 * Security events under stable names, so that alarms and dashboards can key on them. Fields never
 * carry secrets (codes, tokens, verifiers): only identifiers such as client_id, grant id, sub.
 */
export type SecurityEventName =
  | 'client.registered'
  | 'client.registration_rejected'
  | 'client.registration_rate_limited'
  | 'authorization.rejected'
  | 'consent.granted'
  | 'consent.denied'
  | 'consent.remembered'
  | 'upstream.redirected'
  | 'upstream.callback_rejected'
  | 'upstream.error'
  | 'authorization_code.issued'
  | 'authorization_code.consumed'
  | 'authorization_code.replayed'
  | 'token.issued'
  | 'token.rejected'
  | 'refresh_token.rotated'
  | 'refresh_token.reused'
  | 'grant.revoked';

@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('security');

  emit(event: SecurityEventName, fields: Record<string, unknown> = {}): void {
    const level = event.endsWith('replayed') || event.endsWith('reused') || event.endsWith('rejected') ? 'warn' : 'log';
    this.logger[level]({ event, ...fields });
  }
}
