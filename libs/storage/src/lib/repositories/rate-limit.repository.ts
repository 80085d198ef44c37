import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ItemStore, type StorageContext } from '../item-store';
import { keys } from '../keys';

/** Extra lifetime after a window closes, so a counter never vanishes while still being read. */
const WINDOW_GRACE_SECONDS = 60;

/**
 * `RATE#<key>` / `WINDOW#<start>`: fixed-window counters (e.g. POST /register per client IP).
 * Atomic ADD on one item: correct with any number of gateway instances (docs/architecture.md#invariants: no per-process state).
 */
export class RateLimitRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /**
   * Counts one hit for `key` in the current window of `windowSeconds` and returns the count so far
   * (1 for the first hit). One UpdateItem; the caller compares with its limit.
   */
  async hit(key: string, windowSeconds: number): Promise<number> {
    if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) throw new RangeError('windowSeconds must be a positive integer');
    const now = this.store.nowSeconds();
    const windowStart = now - (now % windowSeconds);
    const out = await this.store.send(
      new UpdateCommand({
        TableName: this.store.tableName,
        Key: keys.rate(key, windowStart),
        UpdateExpression: 'SET kind = :kind, expiresAt = :expiresAt ADD hits :one',
        ExpressionAttributeValues: { ':kind': 'rate', ':expiresAt': windowStart + windowSeconds + WINDOW_GRACE_SECONDS, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.['hits']);
  }
}
