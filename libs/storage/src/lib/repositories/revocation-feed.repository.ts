import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ItemStore, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';
import type { NewRevocationEntry, RevocationEntry, RevocationFeedPage } from './revocation-feed.types';

const KIND = 'revocation';
/** A bounded walk: 1 MB per page holds thousands of entries; the feed only holds the last access-token lifetime's. */
const MAX_PAGES = 20;

/**
 * `REVOKED#feed` / `<revokedAtMs, 15 digits>#<target>#<ref>`: one partition, sorted by time, so an MCP server reads
 * what it has not seen with one Query (`sk >= <time>`) per poll. Writes are rare (a revocation); reads are a few per
 * instance per minute, never per tool call. Every entry expires once no access token it covers can still be valid.
 */
export class RevocationFeedRepository {
  private readonly store: ItemStore;

  constructor(private readonly ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /**
   * Appends an entry. Idempotent enough to retry: a second write is a second entry with the same meaning (readers
   * keep one per target). Unconditional on purpose: a revocation must never be refused by a condition.
   */
  async add(input: NewRevocationEntry): Promise<RevocationEntry> {
    if (!Number.isInteger(input.coverSeconds) || input.coverSeconds <= 0) throw new TypeError('coverSeconds must be a positive integer');
    const revokedAtMs = Math.max(this.ctx.clock.now(), input.revokedAtMs ?? 0);
    const entry: RevocationEntry = {
      target: input.target,
      ref: input.ref,
      revokedAtMs,
      reason: input.reason,
      expiresAt: this.store.nowSeconds() + input.coverSeconds,
    };
    await this.store.send(
      new PutCommand({ TableName: this.store.tableName, Item: { ...keys.revocation(entry.target, entry.ref, revokedAtMs), kind: KIND, ...entry } }),
    );
    return entry;
  }

  /**
   * Live entries written at or after `sinceMs` (epoch ms, the writers' clocks), oldest first: one consistent Query
   * per page (`sinceMs` = 0 reads the whole live feed, at start).
   */
  async since(sinceMs: number): Promise<RevocationFeedPage> {
    const now = this.store.nowSeconds();
    const entries: RevocationEntry[] = [];
    let requests = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.store.send(
        new QueryCommand({
          TableName: this.store.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': keys.revocationFeed, ':since': keys.revocationSortKeyFrom(Math.max(0, sinceMs)), ':now': now },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      requests++;
      for (const item of res.Items ?? []) {
        const entry = toRecord<RevocationEntry>(item, KIND);
        if (entry) entries.push(entry);
      }
      start = res.LastEvaluatedKey;
    } while (start && requests < MAX_PAGES);
    return { entries, requests, ...(start ? { truncated: true } : {}) };
  }
}
