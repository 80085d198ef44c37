import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/**
 * Health indicators that really touch the dependency (terminus): a DynamoDB table that answers
 * DescribeTable, and HTTP documents (JWKS) that answer 200 with JSON within a short timeout.
 */
@Injectable()
export class DependencyHealthIndicators {
  constructor(private readonly health: HealthIndicatorService) {}

  /** `ping` must throw when the dependency is unusable; its result is reported as details. */
  async check(key: string, ping: () => Promise<Record<string, unknown>>): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      return indicator.up(await ping());
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** GETs `url` and requires a 2xx JSON answer within `timeoutMs`. */
  async checkJsonDocument(key: string, url: string, timeoutMs = 2000): Promise<HealthIndicatorResult> {
    return this.check(key, async () => {
      const started = Date.now();
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      await res.json();
      return { url, latencyMs: Date.now() - started };
    });
  }
}
