import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';
import { buildUpdate } from '../update-expression';
import { UserGrantsRepository } from './user-grants.repository';
import type { UpstreamTokenSet } from '../upstream-tokens';
import type { Clock } from '@mcp-cognito/contracts';
import type {
  AcquireLeaseResult,
  GrantRecord,
  GrantRevocationReason,
  GrantWriteResult,
  NewGrant,
  RefreshLease,
  RevokeGrantResult,
  RotateInput,
} from './grant.types';

const KIND = 'grant';
const ACTIVE = '#status = :active AND expiresAt > :now';

/**
 * `GRANT#<grantId>`: refresh-token families. A refresh is at most two requests: `get` (GetItem) and
 * `rotate` (one conditional UpdateItem). No transactions: every rule is a condition on this one item.
 */
export class GrantRepository {
  private readonly store: ItemStore;
  private readonly clock: Clock;

  private readonly index: UserGrantsRepository;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
    this.clock = ctx.clock;
    this.index = new UserGrantsRepository(ctx);
  }

  /**
   * Indexes the grant under its user first (no grant exists that offboarding would not find), then creates it.
   * @throws ItemAlreadyExistsError
   */
  async create(grant: NewGrant): Promise<GrantRecord> {
    await this.index.add(grant);
    const record: GrantRecord = { ...grant, generation: 0, status: 'active', createdAt: this.store.nowSeconds() };
    await this.store.putNew({ ...keys.grant(grant.grantId), kind: KIND, ...record });
    return record;
  }

  /** The user's live grants (active or revoked), newest first: one Query of the index + one GetItem per grant. */
  async listForUser(sub: string): Promise<GrantRecord[]> {
    const indexed = await this.index.list(sub);
    const grants = await Promise.all(indexed.map((i) => this.get(i.grantId)));
    return grants.filter((g): g is GrantRecord => g !== undefined && g.sub === sub).sort((a, b) => b.createdAt - a.createdAt);
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
    const { expectedCurrentHash, expectedGeneration, newHash, updates, releaseLease } = input;
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
      UpdateExpression: `${set.UpdateExpression}, previousRefreshHash = currentRefreshHash, currentRefreshHash = :new, generation = generation + :one${releaseLease ? ' REMOVE refreshLease' : ''}`,
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

  /**
   * Claims the one late replay allowed per rotation (a client's retry after a lost answer): one conditional
   * UpdateItem that succeeds only while the family is active, still at `generation`, and no late replay of that
   * generation was served. `taken` otherwise (a second replay, a newer rotation, a revoked or vanished grant).
   */
  async claimLateReplay(grantId: string, generation: number): Promise<'claimed' | 'taken'> {
    const result = await this.conditionalUpdate(grantId, {
      UpdateExpression: 'SET lateReplayGeneration = :generation',
      ConditionExpression: `${ACTIVE} AND generation = :generation AND (attribute_not_exists(lateReplayGeneration) OR lateReplayGeneration <> :generation)`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':generation': generation, ':active': 'active', ':now': this.store.nowSeconds() },
    });
    return result.status === 'ok' ? 'claimed' : 'taken';
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
   * Takes the family's refresh lease (docs/architecture.md#refresh, single-flight upstream refresh): one UpdateItem,
   * conditioned on the grant being active, still at `expectedGeneration`, and the lease being absent or expired. Of N
   * concurrent callers on any number of instances exactly one gets `acquired`; the others get the grant as it is.
   */
  async acquireRefreshLease(grantId: string, input: { owner: string; expectedGeneration: number; leaseMs: number }): Promise<AcquireLeaseResult> {
    const nowMs = this.clock.now();
    const lease: RefreshLease = { owner: input.owner, untilMs: nowMs + input.leaseMs };
    const result = await this.conditionalUpdate(grantId, {
      UpdateExpression: 'SET refreshLease = :lease',
      ConditionExpression: `${ACTIVE} AND generation = :expectedGeneration AND (attribute_not_exists(refreshLease) OR refreshLease.untilMs < :nowMs)`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':lease': lease,
        ':active': 'active',
        ':now': Math.floor(nowMs / 1000),
        ':nowMs': nowMs,
        ':expectedGeneration': input.expectedGeneration,
      },
    });
    if (result.status === 'ok') return { status: 'acquired', grant: result.grant };
    if (result.status === 'conflict') return { status: 'unavailable', current: result.current };
    return result;
  }

  /**
   * Gives the lease up without rotating (Cognito failed). With `failure`, the lease stays for `holdMs` marked as
   * failed, so that requests arriving meanwhile answer "try again" instead of calling a struggling Cognito again.
   * Only the holder can release (condition on `owner`); a lease that passed to someone else is left alone.
   */
  async releaseRefreshLease(grantId: string, owner: string, failure?: { reason: string; retryAfterSeconds: number; holdMs: number }): Promise<void> {
    const values: Record<string, unknown> = { ':owner': owner };
    let update = 'REMOVE refreshLease';
    if (failure) {
      update = 'SET refreshLease = :failed';
      values[':failed'] = {
        owner,
        untilMs: this.clock.now() + failure.holdMs,
        failure: { reason: failure.reason, retryAfterSeconds: failure.retryAfterSeconds },
      } satisfies RefreshLease;
    }
    try {
      await this.store.send(
        new UpdateCommand({
          TableName: this.store.tableName,
          Key: keys.grant(grantId),
          UpdateExpression: update,
          ConditionExpression: 'refreshLease.#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
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
