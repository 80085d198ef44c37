import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';
import { buildUpdate } from '../update-expression';
import type { UpstreamTokenSet } from '../upstream-tokens';
import type { GrantRecord, GrantRevocationReason, GrantWriteResult, NewGrant, RevokeGrantResult, RotateInput } from './grant.types';

const KIND = 'grant';
const ACTIVE = '#status = :active AND expiresAt > :now';

/**
 * `GRANT#<grantId>`: refresh-token families. A refresh is at most two requests: `get` (GetItem) and
 * `rotate` (one conditional UpdateItem). No transactions: every rule is a condition on this one item.
 */
export class GrantRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /** @throws ItemAlreadyExistsError */
  async create(grant: NewGrant): Promise<GrantRecord> {
    const record: GrantRecord = { ...grant, generation: 0, status: 'active', createdAt: this.store.nowSeconds() };
    await this.store.putNew({ ...keys.grant(grant.grantId), kind: KIND, ...record });
    return record;
  }

  /** The grant (active or revoked), or undefined when unknown or past `expiresAt`. */
  get(grantId: string): Promise<GrantRecord | undefined> {
    return this.store.getLive<GrantRecord>(keys.grant(grantId), KIND);
  }

  /**
   * docs/architecture.md#tokens: rotation is ONE conditional UpdateItem: current -> previous, new hash -> current,
   * generation + 1, on condition that the grant is active, unexpired and still at the expected
   * hash/generation. Of N concurrent rotations with the same expectation exactly one gets `ok`.
   */
  async rotate(grantId: string, input: RotateInput): Promise<GrantWriteResult> {
    const { expectedCurrentHash, expectedGeneration, newHash, updates } = input;
    if (expectedCurrentHash === undefined && expectedGeneration === undefined) {
      throw new TypeError('rotate needs expectedCurrentHash or expectedGeneration');
    }
    const now = this.store.nowSeconds();
    const set = buildUpdate({ rotatedAt: now, upstream: updates?.upstream, expiresAt: updates?.expiresAt, scope: updates?.scope });
    const conditions = [ACTIVE];
    const values: Record<string, unknown> = { ...set.ExpressionAttributeValues, ':active': 'active', ':now': now, ':new': newHash, ':one': 1 };
    if (expectedCurrentHash !== undefined) {
      conditions.push('currentRefreshHash = :expectedHash');
      values[':expectedHash'] = expectedCurrentHash;
    }
    if (expectedGeneration !== undefined) {
      conditions.push('generation = :expectedGeneration');
      values[':expectedGeneration'] = expectedGeneration;
    }
    const result = await this.conditionalUpdate(grantId, {
      UpdateExpression: `${set.UpdateExpression}, previousRefreshHash = currentRefreshHash, currentRefreshHash = :new, generation = generation + :one`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { ...set.ExpressionAttributeNames, '#status': 'status' },
      ExpressionAttributeValues: values,
    });
    // An SDK retry of a rotation that did land fails its condition; the new hash proves it was ours.
    if (result.status === 'conflict' && result.current.currentRefreshHash === newHash) {
      return { status: 'ok', grant: result.current };
    }
    return result;
  }

  /** Stores refreshed Cognito tokens, only if nobody rotated the family since `expectedGeneration`. */
  updateUpstreamTokens(grantId: string, expectedGeneration: number, upstream: UpstreamTokenSet): Promise<GrantWriteResult> {
    return this.conditionalUpdate(grantId, {
      UpdateExpression: 'SET upstream = :upstream',
      ConditionExpression: `${ACTIVE} AND generation = :expectedGeneration`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':upstream': upstream, ':active': 'active', ':now': this.store.nowSeconds(), ':expectedGeneration': expectedGeneration },
    });
  }

  /**
   * Ends the family (RFC 7009 §2.1; refresh token reuse detection, RFC 9700 §4.14.2). Idempotent:
   * only the first call gets `revoked` (and should revoke the upstream refresh token); later calls get
   * `already_revoked`. The item stays until `expiresAt` so that reuse keeps being recognised.
   */
  async revoke(grantId: string, reason: GrantRevocationReason): Promise<RevokeGrantResult> {
    const now = this.store.nowSeconds();
    const result = await this.conditionalUpdate(grantId, {
      UpdateExpression: 'SET #status = :revoked, revokedReason = :reason, revokedAt = :now',
      ConditionExpression: ACTIVE,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':reason': reason, ':active': 'active', ':now': now },
    });
    if (result.status === 'ok') return { status: 'revoked', grant: result.grant };
    if (result.status === 'conflict') return { status: 'already_revoked', grant: result.current };
    return result;
  }

  private async conditionalUpdate(
    grantId: string,
    params: Pick<UpdateCommand['input'], 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<GrantWriteResult> {
    const key = keys.grant(grantId);
    try {
      const out = await this.store.send(
        new UpdateCommand({ TableName: this.store.tableName, Key: key, ...params, ReturnValues: 'ALL_NEW' }),
      );
      return { status: 'ok', grant: toRecord<GrantRecord>(out.Attributes, KIND) as GrantRecord };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    // dynalite ignores ReturnValuesOnConditionCheckFailure: read the item to say why.
    const current = await this.get(grantId);
    return current ? { status: 'conflict', current } : { status: 'not_found' };
  }
}
