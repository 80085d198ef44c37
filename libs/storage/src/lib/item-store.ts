import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import type { DynamoClients } from './dynamo-clients';
import { ItemAlreadyExistsError, isConditionalCheckFailed } from './errors';
import type { ItemKey } from './keys';

/** What every repository gets: the table and the clock. */
export interface StorageContext {
  clients: DynamoClients;
  clock: Clock;
}

/** Stored shape: keys + item kind + the record's own camelCase attributes. */
export type StoredItem = ItemKey & { kind: string; expiresAt?: number } & Record<string, unknown>;

/** Alive unless `expiresAt` (epoch seconds) is at or before now. TTL deletion lags up to ~48 h. */
export function isLive(item: { expiresAt?: unknown } | undefined, nowSeconds: number): boolean {
  if (!item) return false;
  return typeof item.expiresAt !== 'number' || item.expiresAt > nowSeconds;
}

/** Strips keys and kind; returns undefined for a missing item or one of another kind. */
export function toRecord<T>(item: Record<string, unknown> | undefined, kind: string): T | undefined {
  if (!item || item['kind'] !== kind) return undefined;
  return omit(item, ['pk', 'sk', 'kind']) as T;
}

/** A shallow copy of `item` without `names`. */
export function omit(item: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}

/** Condition for "this item logically exists": present and not expired. */
export const LIVE_CONDITION = 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)';

/** Shared single-item operations. Every read is strongly consistent (security decisions follow it). */
export class ItemStore {
  constructor(private readonly ctx: StorageContext) {}

  get doc() {
    return this.ctx.clients.doc;
  }

  get tableName() {
    return this.ctx.clients.tableName;
  }

  nowSeconds(): number {
    return epochSeconds(this.ctx.clock);
  }

  /** Consistent GetItem; the raw item, expired or not (callers decide what expiry means). */
  async getRaw(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Consistent GetItem of a live item of `kind`, as its record. */
  async getLive<T>(key: ItemKey, kind: string): Promise<T | undefined> {
    const item = await this.getRaw(key);
    return isLive(item, this.nowSeconds()) ? toRecord<T>(item, kind) : undefined;
  }

  /**
   * PutItem that never overwrites a live item (a leftover expired one may be replaced).
   * @throws ItemAlreadyExistsError
   */
  async putNew(item: StoredItem): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': this.nowSeconds() },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ItemAlreadyExistsError(item.pk);
      throw err;
    }
  }
}
