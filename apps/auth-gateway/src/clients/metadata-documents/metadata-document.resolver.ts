import { systemClock, type Clock } from '@mcp-cognito/contracts';
import { ExpiringCache } from '@mcp-cognito/tokens';
import type { OAuthClient } from '../oauth-client';
import { MetadataDocumentError, documentPolicy } from './document-policy';
import { FetchSlots, FetchSlotsBusy, siteOf } from './fetch-slots';
import { fetchJsonDocument } from './guarded-fetch';

export { MetadataDocumentError } from './document-policy';

export interface MetadataDocumentOptions {
  /** `host` or `host:port` entries that may resolve to private/loopback addresses and use http (development only). */
  allowedPrivateHosts: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** Bound of the in-memory caches (entries). */
  maxEntries?: number;
  /** Concurrent fetches per instance, in total and per site (see `fetch-slots.ts`). */
  maxInFlight?: number;
  maxInFlightPerSite?: number;
  /** How long a request waits for a fetch slot before it is refused. */
  slotWaitMs?: number;
  clock?: Clock;
}


/** A refused document is remembered this long: a stranger cannot make us fetch the same bad URL in a loop. */
const FAILURE_TTL_MS = 60_000;

/**
 * Resolves a Client ID Metadata Document URL to a client: the policy (`document-policy.ts`) decides what is
 * acceptable, the guarded fetch (`guarded-fetch.ts`) gets it without SSRF, fair fetch slots (`fetch-slots.ts`) keep a
 * slow site from locking the others out, concurrent requests for one document share one fetch, and two bounded caches
 * keep documents per their Cache-Control and refusals for a minute (caches, not state: any instance can refetch).
 */
export class MetadataDocumentResolver {
  private readonly cache: ExpiringCache<OAuthClient>;
  private readonly failures: ExpiringCache<string>;
  private readonly slots: FetchSlots;
  /** Resolutions in progress, by client id: concurrent requests for one document share one fetch. */
  private readonly resolving = new Map<string, Promise<OAuthClient>>();
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly clock: Clock;
  /** Fetches made (tests and metrics). */
  fetches = 0;

  constructor(private readonly options: MetadataDocumentOptions) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.maxBytes = options.maxBytes ?? 8 * 1024;
    this.slots = new FetchSlots({
      total: options.maxInFlight ?? 16,
      perSite: options.maxInFlightPerSite ?? 2,
      queueLimit: 64,
      perSiteQueueLimit: 4,
      waitMs: options.slotWaitMs ?? 2000,
    });
    this.clock = options.clock ?? systemClock;
    this.cache = new ExpiringCache(options.maxEntries ?? 1000, this.clock);
    this.failures = new ExpiringCache(options.maxEntries ?? 1000, this.clock);
  }

  static isMetadataDocumentUrl(clientId: string): boolean {
    return documentPolicy.isMetadataDocumentUrl(clientId);
  }

  async resolve(clientId: string): Promise<OAuthClient> {
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const failed = this.failures.get(clientId);
    if (failed) throw new MetadataDocumentError(failed);
    let resolving = this.resolving.get(clientId);
    if (resolving === undefined) {
      resolving = this.fetchAndCheck(clientId).finally(() => this.resolving.delete(clientId));
      this.resolving.set(clientId, resolving);
    }
    return resolving;
  }

  private async fetchAndCheck(clientId: string): Promise<OAuthClient> {
    try {
      const url = documentPolicy.checkUrl(clientId, (u) => this.allowListed(u));
      const release = await this.slots.acquire(siteOf(url.hostname));
      this.fetches++;
      let fetched;
      try {
        fetched = await fetchJsonDocument(url, { allowPrivate: this.allowListed(url), timeoutMs: this.timeoutMs, maxBytes: this.maxBytes });
      } finally {
        release();
      }
      const client = documentPolicy.toClient(clientId, fetched.body);
      const ttl = documentPolicy.cacheLifetimeMs(fetched.cacheControl);
      if (ttl > 0) this.cache.set(clientId, client, this.clock.now() + ttl);
      return client;
    } catch (error) {
      if (error instanceof MetadataDocumentError && !(error instanceof FetchSlotsBusy)) this.failures.set(clientId, error.message, this.clock.now() + FAILURE_TTL_MS);
      throw error;
    }
  }

  private allowListed(url: URL): boolean {
    return this.options.allowedPrivateHosts.includes(url.host) || this.options.allowedPrivateHosts.includes(url.hostname);
  }
}
