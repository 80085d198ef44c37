import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ItemStore, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';
import type { GrantRecord } from './grant.types';

const INDEX_KIND = 'user_grant';
const ALIAS_KIND = 'username_sub';
/** Bounded walks: a user has a handful of grants; 10 pages of 1 MB is far beyond any real user. */
const MAX_PAGES = 10;

/** One index item: enough to find the grant, nothing secret. */
export interface UserGrantIndexRecord {
  grantId: string;
  clientId: string;
  createdAt: number;
  /** The grant's own end: the index item never outlives it. */
  expiresAt: number;
}

/**
 * `USERGRANT#<sub>` / `GRANT#<grantId>`: the grants of a user, found with one Query instead of a scan (the account
 * page, offboarding); `USERGRANT#name:<username>` / `SUB#<sub>`: the `sub`s a username has had (an operator knows
 * the username; Cognito can reuse one after a deletion, so there may be several). Both are written before the grant
 * itself, so that no grant can exist that offboarding would not find; an index item whose grant was never written is
 * skipped when read. No GSI: the table stays one key schema, the same on every engine, costs stay per request.
 */
export class UserGrantsRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /** Indexes a grant about to be created (2 unconditional PutItems: idempotent, a retry writes the same items). */
  async add(grant: Pick<GrantRecord, 'grantId' | 'clientId' | 'sub' | 'username' | 'expiresAt'>): Promise<void> {
    const record: UserGrantIndexRecord = { grantId: grant.grantId, clientId: grant.clientId, createdAt: this.store.nowSeconds(), expiresAt: grant.expiresAt };
    await this.store.send(new PutCommand({ TableName: this.store.tableName, Item: { ...keys.userGrant(grant.sub, grant.grantId), kind: INDEX_KIND, ...record } }));
    // The alias lives as long as the user's latest grant (a later grant's put extends it).
    await this.store.send(
      new PutCommand({ TableName: this.store.tableName, Item: { ...keys.usernameSub(grant.username, grant.sub), kind: ALIAS_KIND, sub: grant.sub, expiresAt: grant.expiresAt } }),
    );
  }

  /** The live index items of a user (consistent Query). */
  async list(sub: string): Promise<UserGrantIndexRecord[]> {
    return this.query<UserGrantIndexRecord>(keys.userGrants(sub), INDEX_KIND);
  }

  /** The `sub`s that a username (any case) has named in a live grant. */
  async subsOf(username: string): Promise<string[]> {
    return (await this.query<{ sub: string }>(keys.usernameSubs(username), ALIAS_KIND)).map((r) => r.sub);
  }

  private async query<T>(pk: string, kind: string): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const res = await this.store.send(
        new QueryCommand({
          TableName: this.store.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': pk, ':now': this.store.nowSeconds() },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      pages++;
      for (const item of res.Items ?? []) {
        const record = toRecord<T>(item, kind);
        if (record) out.push(record);
      }
      start = res.LastEvaluatedKey;
    } while (start && pages < MAX_PAGES);
    return out;
  }
}
