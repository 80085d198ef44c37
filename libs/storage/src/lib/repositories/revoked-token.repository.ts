import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ItemStore, type StorageContext } from '../item-store';
import { keys } from '../keys';

/**
 * `JTI#<jti>`: deny-list of access tokens revoked before their `exp` (RFC 7009 §2.1). An entry is only
 * needed until the token would have expired anyway, so `expiresAt` = the token's `exp`.
 */
export class RevokedTokenRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /** Adds `jti` until `expiresAt` (epoch seconds). Idempotent (unconditional PutItem). */
  async add(jti: string, expiresAt: number): Promise<void> {
    await this.store.doc.send(
      new PutCommand({
        TableName: this.store.tableName,
        Item: { ...keys.jti(jti), kind: 'revoked-jti', jti, revokedAt: this.store.nowSeconds(), expiresAt },
      }),
    );
  }

  /** True while a live entry exists. One consistent GetItem. */
  async isRevoked(jti: string): Promise<boolean> {
    return (await this.store.getLive(keys.jti(jti), 'revoked-jti')) !== undefined;
  }
}
