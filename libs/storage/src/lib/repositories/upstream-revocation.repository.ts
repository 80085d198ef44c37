import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';
import type { NewUpstreamRevocation, UpstreamRevocationRecord } from './upstream-revocation.types';

const KIND = 'upstream_revocation';

/**
 * `REVOKE#queue` / `RECORD#<id>`: Cognito revocations to retry. Written only when Cognito did not confirm one (rare),
 * read by the retrier with one Query of the partition; every state change is a condition on one item, so any number
 * of gateway instances can retry side by side without doing the same record twice at once.
 */
export class UpstreamRevocationRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /** @throws ItemAlreadyExistsError (record ids are random) */
  async create(record: NewUpstreamRevocation): Promise<UpstreamRevocationRecord> {
    const stored: UpstreamRevocationRecord = { ...record, createdAt: this.store.nowSeconds() };
    await this.store.putNew({ ...keys.upstreamRevocation(record.recordId), kind: KIND, ...stored });
    return stored;
  }

  get(recordId: string): Promise<UpstreamRevocationRecord | undefined> {
    return this.store.getLive<UpstreamRevocationRecord>(keys.upstreamRevocation(recordId), KIND);
  }

  /** Records due now (not leased, not expired), oldest page first, at most `limit`. Consistent reads. */
  async due(limit = 25): Promise<UpstreamRevocationRecord[]> {
    const now = this.store.nowSeconds();
    const out: UpstreamRevocationRecord[] = [];
    let start: Record<string, unknown> | undefined;
    // A bounded walk: at most 10 pages of the partition per call.
    for (let page = 0; page < 10 && out.length < limit; page++) {
      const res = await this.store.send(
        new QueryCommand({
          TableName: this.store.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'nextAttemptAt <= :now AND expiresAt > :now AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':pk': keys.upstreamRevocationQueue, ':now': now },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) {
        const record = toRecord<UpstreamRevocationRecord>(item, KIND);
        if (record && out.length < limit) out.push(record);
      }
      start = res.LastEvaluatedKey;
      if (!start) break;
    }
    return out;
  }

  /**
   * Takes the record for one retry: counts the attempt and leases it for `leaseSeconds`, if it is still due and
   * unleased. Returns the updated record, or undefined when another instance took it (or it is gone).
   */
  async claim(recordId: string, leaseSeconds: number): Promise<UpstreamRevocationRecord | undefined> {
    const now = this.store.nowSeconds();
    try {
      const out = await this.store.send(
        new UpdateCommand({
          TableName: this.store.tableName,
          Key: keys.upstreamRevocation(recordId),
          UpdateExpression: 'SET leaseUntil = :until, attempts = attempts + :one',
          ConditionExpression:
            'attribute_exists(pk) AND expiresAt > :now AND nextAttemptAt <= :now AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':until': now + leaseSeconds, ':one': 1, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord<UpstreamRevocationRecord>(out.Attributes, KIND);
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  /** Cognito confirmed the revocation: the record is done. */
  async complete(recordId: string): Promise<void> {
    await this.store.send(new DeleteCommand({ TableName: this.store.tableName, Key: keys.upstreamRevocation(recordId) }));
  }

  /** Not yet: retry at `nextAttemptAt` (epoch seconds), remembering what went wrong. Frees the lease. */
  async reschedule(recordId: string, nextAttemptAt: number, lastError: string): Promise<void> {
    try {
      await this.store.send(
        new UpdateCommand({
          TableName: this.store.tableName,
          Key: keys.upstreamRevocation(recordId),
          UpdateExpression: 'SET nextAttemptAt = :next, lastError = :error REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':next': nextAttemptAt, ':error': lastError },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
