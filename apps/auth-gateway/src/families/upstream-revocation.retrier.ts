import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { CLOCK, Metrics, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { Repositories, UpstreamRevocationRecord } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { CognitoClient } from '../upstream/cognito-client';
import { failureLabel, revocationBackoffSeconds } from './upstream-revocation.service';
import { openUpstreamValue } from './upstream-token-vault';

/** How often each instance looks for recorded revocations that are due. */
export const REVOCATION_RETRY_INTERVAL_MS = 60_000;

/**
 * Works off the `REVOKE#` records (families/upstream-revocation.service.ts): every minute each gateway instance
 * claims due records one by one (a conditional write, so no two instances retry one record at once), calls Cognito
 * once per record, and deletes the record on HTTP 200 or reschedules it with a growing delay. A record ends by
 * itself when the Cognito token it holds expires (its `expiresAt` is the token's).
 */
@Injectable()
export class UpstreamRevocationRetrier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UpstreamRevocationRetrier');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cognito: CognitoClient,
    private readonly events: SecurityEvents,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.retryDue()
        .catch((error: unknown) => this.logger.warn({ event: 'upstream_revocation.retry_failed', err: error instanceof Error ? error.message : 'unknown' }))
        .finally(() => (this.running = undefined));
    }, REVOCATION_RETRY_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the due records; returns how many Cognito confirmed. */
  async retryDue(limit = 25): Promise<{ revoked: number; failed: number }> {
    const tally = { revoked: 0, failed: 0 };
    for (const due of await this.repos.upstreamRevocations.due(limit)) {
      // The lease outlives one Cognito call, so no other instance picks the record up meanwhile.
      const claimed = await this.repos.upstreamRevocations.claim(due.recordId, Math.ceil(this.config.cognito.upstreamTimeoutMs / 1000) + 5);
      if (!claimed) continue;
      const revoked = await this.retry(claimed).catch((error: unknown) => {
        // Storage or key trouble: the lease runs out and a later pass retries.
        this.logger.warn({ event: 'upstream_revocation.retry_failed', grant: claimed.grant, err: error instanceof Error ? error.message : 'unknown' });
        return false;
      });
      if (revoked) tally.revoked += 1;
      else tally.failed += 1;
    }
    return tally;
  }

  private async retry(record: UpstreamRevocationRecord): Promise<boolean> {
    const token = await openUpstreamValue(this.keys.storageEncryption, record.refreshToken);
    const result = await this.cognito.revoke(token);
    if (result.revoked) {
      await this.repos.upstreamRevocations.complete(record.recordId);
      this.events.emit('upstream.revocation_retried', { grant: record.grant, client_id: record.clientId, outcome: 'revoked', attempts: record.attempts });
      return true;
    }
    const next = epochSeconds(this.clock) + Math.max(revocationBackoffSeconds(record.attempts), result.retryAfterSeconds ?? 0);
    await this.repos.upstreamRevocations.reschedule(record.recordId, next, result.detail);
    this.events.emit('upstream.revocation_retried', {
      grant: record.grant,
      client_id: record.clientId,
      outcome: 'failed',
      attempts: record.attempts,
      reason: result.detail,
    });
    this.metrics.count('upstreamRevocationFailures', failureLabel(result));
    return false;
  }
}
