import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DeleteCommandOutput,
  type GetCommandOutput,
  type PutCommandOutput,
  type QueryCommandOutput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import type { DynamoClients } from './dynamo-clients';
import { ItemAlreadyExistsError, isConditionalCheckFailed } from './errors';
import type { ItemKey } from './keys';
import { StorageUnavailableError, storageOutageReason } from './unavailable';

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

/** Attributes the store keeps for itself: never part of a record. */
const BOOKKEEPING = ['pk', 'sk', 'kind', 'writtenBy'];

/** Strips keys, kind and bookkeeping; returns undefined for a missing item or one of another kind. */
export function toRecord<T>(item: Record<string, unknown> | undefined, kind: string): T | undefined {
  if (!item || item['kind'] !== kind) return undefined;
  return omit(item, BOOKKEEPING) as T;
}

/** A shallow copy of `item` without `names`. */
export function omit(item: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}

/** Condition for "this item logically exists": present and not expired. */
export const LIVE_CONDITION = 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)';

type StoreCommand = GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand;

/**
 * Shared single-item operations. Every read is strongly consistent (security decisions follow it). Every request
 * goes through {@link ItemStore.send}: bounded in time, and an outage surfaces as {@link StorageUnavailableError}.
 */
export class ItemStore {
  constructor(private readonly ctx: StorageContext) {}

  get tableName() {
    return this.ctx.clients.tableName;
  }

  /**
   * Sends one request under the operation budget (`deadlines.budgetMs`, retries and backoff included): when it
   * passes, the SDK aborts the attempt in flight and any backoff. An outage (timeout, refused or reset connection,
   * throttling or 5xx past the retries, a missing table) is rethrown as {@link StorageUnavailableError}; any other
   * error (a failed condition, a validation error) unchanged.
   *
   * A write cut off by the budget may still have reached the table (a timeout says nothing about the other side),
   * so every write of the repositories is conditional or idempotent: landing late changes nothing a retry relies on.
   */
  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: DeleteCommand): Promise<DeleteCommandOutput>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
  async send(command: StoreCommand): Promise<unknown> {
    const { doc, deadlines } = this.ctx.clients;
    const budget = AbortSignal.timeout(deadlines.budgetMs);
    try {
      return await doc.send(command as GetCommand, { abortSignal: budget });
    } catch (error) {
      const reason = storageOutageReason(error, budget.aborted);
      if (reason === undefined) throw error;
      this.ctx.clients.onUnavailable?.(reason);
      throw new StorageUnavailableError(reason, deadlines.retryAfterSeconds, { cause: error });
    }
  }

  nowSeconds(): number {
    return epochSeconds(this.ctx.clock);
  }

  /** Consistent GetItem; the raw item, expired or not (callers decide what expiry means). */
  async getRaw(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const out = await this.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Consistent GetItem of a live item of `kind`, as its record. */
  async getLive<T>(key: ItemKey, kind: string): Promise<T | undefined> {
    const item = await this.getRaw(key);
    return isLive(item, this.nowSeconds()) ? toRecord<T>(item, kind) : undefined;
  }

  /**
   * PutItem that never overwrites a live item (a leftover expired one may be replaced).
   * `writtenBy` marks this call: an SDK retry of a put that did land (its answer timed out) overwrites its own item
   * with the same content instead of failing as "already exists".
   * @throws ItemAlreadyExistsError
   */
  async putNew(item: StoredItem): Promise<void> {
    const self = randomUUID();
    try {
      await this.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, writtenBy: self },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR writtenBy = :self',
          ExpressionAttributeValues: { ':now': this.nowSeconds(), ':self': self },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ItemAlreadyExistsError(item.pk);
      throw err;
    }
  }
}
