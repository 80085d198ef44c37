import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { CLOCK, Metrics, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { EncryptedValue, GrantRecord, Repositories } from '@mcp-cognito/storage';
import { encryptWithKeyRing } from '@mcp-cognito/tokens';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { CognitoClient, type RevocationAttempt } from '../upstream/cognito-client';
import { grantReference } from './refresh-tokens';
import { openUpstreamValue } from './upstream-token-vault';

/** Inline attempts before a failed revocation is handed to the retrier. */
export const INLINE_REVOCATION_ATTEMPTS = 3;

/** Seconds before the retrier tries a record again after `attempts` attempts: 1 min, doubling, at most 6 h. */
export function revocationBackoffSeconds(attempts: number): number {
  return Math.min(6 * 3600, 60 * 2 ** Math.max(0, attempts - INLINE_REVOCATION_ATTEMPTS));
}

/**
 * Revoking the Cognito refresh token behind an ended grant (docs/architecture.md#revocation), never silently: only
 * Cognito's HTTP 200 counts (RFC 7009 §2.2). Anything else - 400 `invalid_request` when revocation is disabled for
 * the app client, 401 `invalid_client`, throttles, outages - is retried a few times within a bound, then surfaced:
 * a security event, a metric, and a durable `REVOKE#` record that the retrier works off until Cognito confirms or
 * the token expires by itself.
 */
@Injectable()
export class UpstreamRevocation {
  private readonly logger = new Logger('UpstreamRevocation');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cognito: CognitoClient,
    private readonly events: SecurityEvents,
    private readonly metrics: Metrics,
  ) {}

  /** Revokes `grant`'s Cognito refresh token now, within the inline budget; records it when Cognito did not confirm. */
  async revokeFor(grant: GrantRecord, reason: string): Promise<void> {
    if (!grant.upstream.refreshToken) return;
    const refreshToken = await openUpstreamValue(this.keys.storageEncryption, grant.upstream.refreshToken);
    await this.revokeOrRecord(refreshToken, grant.upstream.refreshToken, {
      grant: grantReference(grant.grantId),
      clientId: grant.clientId,
      expiresAt: grant.upstream.refreshTokenExpiresAt ?? grant.expiresAt,
      reason,
    });
  }

  /**
   * Revokes a Cognito refresh token that never became part of a grant (a sign-in whose consent must be asked again),
   * with the same rules: retried inline, then recorded sealed for the retrier, never dropped silently. `reference`
   * names the sign-in in events (one-way, never the token).
   */
  async revokeUnbound(refreshToken: string, context: { clientId: string; reference: string; reason: string }): Promise<void> {
    const sealed = { ciphertext: await encryptWithKeyRing(refreshToken, this.keys.storageEncryption), keyId: this.keys.storageEncryption.active.kid };
    await this.revokeOrRecord(refreshToken, sealed, {
      grant: context.reference,
      clientId: context.clientId,
      expiresAt: epochSeconds(this.clock) + this.config.lifetimes.upstreamRefreshTokenSeconds,
      reason: context.reason,
    });
  }

  private async revokeOrRecord(refreshToken: string, sealed: EncryptedValue, subject: { grant: string; clientId: string; expiresAt: number; reason: string }): Promise<void> {
    const outcome = await this.attemptWithinBudget(refreshToken);
    if (outcome.result.revoked) return;
    const failure = outcome.result;
    const now = epochSeconds(this.clock);
    let recorded = false;
    try {
      await this.repos.upstreamRevocations.create({
        recordId: randomUUID(),
        grant: subject.grant,
        clientId: subject.clientId,
        refreshToken: sealed,
        reason: subject.reason,
        attempts: outcome.attempts,
        lastError: failure.detail,
        nextAttemptAt: now + Math.max(revocationBackoffSeconds(outcome.attempts), failure.retryAfterSeconds ?? 0),
        expiresAt: subject.expiresAt,
      });
      recorded = true;
    } catch (error) {
      this.logger.error({ event: 'upstream_revocation.record_failed', grant: subject.grant, err: error instanceof Error ? error.message : 'unknown' });
    }
    this.events.emit('upstream.revocation_failed', {
      grant: subject.grant,
      client_id: subject.clientId,
      reason: failure.detail,
      attempts: outcome.attempts,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      recorded,
    });
    this.metrics.count('upstreamRevocationFailures', failureLabel(failure));
  }

  /**
   * Up to {@link INLINE_REVOCATION_ATTEMPTS} attempts, all within 1.5 x COGNITO_TIMEOUT_MS (a hanging Cognito costs
   * the caller one timeout, not three), backing off 250 ms, 1 s - or Cognito's Retry-After when it fits the budget.
   */
  async attemptWithinBudget(refreshToken: string): Promise<{ result: RevocationAttempt; attempts: number }> {
    const timeoutMs = this.config.cognito.upstreamTimeoutMs;
    const deadline = Date.now() + timeoutMs * 1.5;
    let result: RevocationAttempt = { revoked: false, detail: 'not attempted' };
    let attempts = 0;
    while (attempts < INLINE_REVOCATION_ATTEMPTS) {
      const remaining = deadline - Date.now();
      if (remaining < 100) break;
      attempts += 1;
      result = await this.cognito.revoke(refreshToken, Math.min(timeoutMs, remaining));
      if (result.revoked) break;
      const pauseMs = Math.max(attempts === 1 ? 250 : 1000, (result.retryAfterSeconds ?? 0) * 1000);
      if (attempts >= INLINE_REVOCATION_ATTEMPTS || Date.now() + pauseMs + 100 > deadline) break;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    return { result, attempts };
  }
}

/** A bounded metric label: the HTTP status class or the kind of outage, never a token. */
export function failureLabel(failure: { detail: string; status?: number }): string {
  if (failure.status !== undefined) return `status_${failure.status}`;
  return /within/.test(failure.detail) ? 'timeout' : 'connection';
}
