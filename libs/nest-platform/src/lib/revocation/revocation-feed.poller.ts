import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { REPOSITORIES } from '../storage/storage.module';
import { RevocationSet, type Repositories } from '@mcp-cognito/storage';

/**
 * Connects the instance's {@link RevocationSet} to the table: the first read before the server listens (bounded by
 * the storage budget), then one per REVOCATION_POLL_MS; each read counted (`RevocationFeedReads`, by outcome), a
 * failed one logged as a warning.
 */
@Injectable()
export class RevocationFeedPoller implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Revocation');

  constructor(
    private readonly set: RevocationSet,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly metrics: Metrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.set.connect(
      (sinceMs) => this.repos.revocationFeed.since(sinceMs),
      (outcome, requests) => {
        this.metrics.count('revocationFeedReads', outcome, requests);
        if (outcome !== 'ok') this.logger.warn({ event: 'revocation.feed_unreadable', reason: outcome, ...this.set.status() }, 'revocation feed could not be read');
      },
    );
    await this.set.start();
  }

  onApplicationShutdown(): void {
    this.set.stop();
  }
}
