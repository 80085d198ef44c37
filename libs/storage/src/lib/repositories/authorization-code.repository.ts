import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, isLive, omit, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';
import type { UpstreamTokenSet } from '../upstream-tokens';

/** What an MCP authorization code stands for (docs/architecture.md#the-flow). Stored under the code's SHA-256 only. */
export interface AuthorizationCodeRecord {
  clientId: string;
  redirectUri: string;
  /** RFC 6749 §4.1.3: redirect_uri was omitted at /authorize, so it may be omitted at /token. */
  redirectUriOmitted?: boolean;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
  scope: string;
  resource: string;
  sub: string;
  username: string;
  /** Encrypted Cognito tokens from the callback. */
  upstream: UpstreamTokenSet;
  /**
   * Epoch seconds when the sign-in began (the pending authorization's `createdAt`): a user revocation at or after it
   * refuses the code (`UserRevocationRepository`). Absent on codes written before it existed: `createdAt` then.
   */
  authorizationStartedAt?: number;
}

export interface StoredAuthorizationCode extends AuthorizationCodeRecord {
  createdAt: number;
  expiresAt: number;
  /** Epoch seconds of the first (only valid) redemption. */
  consumedAt?: number;
  /** Grant issued by the first redemption: revoke it on replay (RFC 6749 §10.5). */
  grantId?: string;
}

export type ConsumeCodeResult =
  | { status: 'ok'; record: StoredAuthorizationCode }
  | { status: 'replayed'; record: StoredAuthorizationCode }
  | { status: 'not_found' }
  | { status: 'expired' };

/** What one read of a code says: usable, already redeemed (a replay), or nothing to redeem. */
export type InspectCodeResult =
  | { status: 'live'; record: StoredAuthorizationCode }
  | { status: 'replayed'; record: StoredAuthorizationCode }
  | { status: 'not_found' }
  | { status: 'expired' };

const KIND = 'code';
/** Codes live ~60 s (RFC 6749 §4.1.2 recommends at most 10 min). */
export const DEFAULT_CODE_TTL_SECONDS = 60;
/** A redeemed code is kept this long so that a replay is recognised and its grant revoked. */
export const CONSUMED_CODE_RETENTION_SECONDS = 600;

/** `CODE#<sha256 hex>`: single-use authorization codes (RFC 6749 §4.1.2, §10.5). */
export class AuthorizationCodeRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /** @throws ItemAlreadyExistsError */
  async create(codeHash: string, record: AuthorizationCodeRecord, ttlSeconds = DEFAULT_CODE_TTL_SECONDS): Promise<void> {
    const now = this.store.nowSeconds();
    await this.store.putNew({ ...keys.code(codeHash), kind: KIND, ...record, createdAt: now, expiresAt: now + ttlSeconds });
  }

  /**
   * One consistent GetItem, classified: `live` (unconsumed, unexpired), `replayed` (redeemed before, still
   * retained: its grant is to be revoked), `expired`, or `not_found`. Changes nothing - a failed redemption
   * costs a read, not a write.
   */
  async inspect(codeHash: string): Promise<InspectCodeResult> {
    const item = await this.store.getRaw(keys.code(codeHash));
    const state = this.state(item, this.store.nowSeconds());
    if (state === 'live') return { status: 'live', record: this.strip(item) };
    if (state === 'consumed') return { status: 'replayed', record: this.strip(item) };
    return { status: state };
  }

  /** Where a stored code stands at `now` (a consumed code is retained for replay detection, then gone). */
  private state(item: Record<string, unknown> | undefined, now: number): 'live' | 'consumed' | 'not_found' | 'expired' {
    const record = toRecord<StoredAuthorizationCode>(item, KIND);
    if (!record) return 'not_found';
    if (record.consumedAt === undefined) return isLive(item, now) ? 'live' : 'expired';
    return isLive(item, now) ? 'consumed' : 'not_found';
  }

  /**
   * RFC 6749 §4.1.2: a code is used once. One conditional UpdateItem marks it consumed; of N concurrent
   * calls exactly one gets `ok`. On a failed condition one consistent GetItem says why (dynalite
   * ignores ReturnValuesOnConditionCheckFailure). `grantId` may be reserved here so that a replay
   * racing the first redemption still learns which grant to revoke (RFC 6749 §10.5).
   */
  async consume(codeHash: string, options: { grantId?: string } = {}): Promise<ConsumeCodeResult> {
    const key = keys.code(codeHash);
    const now = this.store.nowSeconds();
    // Marks this attempt: an SDK retry of a write that did succeed must not look like a replay.
    const attempt = randomUUID();
    try {
      const out = await this.store.send(
        new UpdateCommand({
          TableName: this.store.tableName,
          Key: key,
          UpdateExpression: options.grantId
            ? 'SET consumedAt = :now, consumedBy = :attempt, expiresAt = :retain, grantId = :grantId'
            : 'SET consumedAt = :now, consumedBy = :attempt, expiresAt = :retain',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(consumedAt) AND expiresAt > :now',
          ExpressionAttributeValues: {
            ':now': now,
            ':attempt': attempt,
            ':retain': now + CONSUMED_CODE_RETENTION_SECONDS,
            ...(options.grantId ? { ':grantId': options.grantId } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'ok', record: this.strip(out.Attributes) };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    const item = await this.store.getRaw(key);
    const state = this.state(item, now);
    // Live although the condition failed: it changed in between; not redeemable by this call.
    if (state === 'live') return { status: 'not_found' };
    if (state !== 'consumed') return { status: state };
    return item?.['consumedBy'] === attempt ? { status: 'ok', record: this.strip(item) } : { status: 'replayed', record: this.strip(item) };
  }

  private strip(item: Record<string, unknown> | undefined): StoredAuthorizationCode {
    // consumedBy is bookkeeping of this repository, not part of the record
    return omit(toRecord<Record<string, unknown>>(item, KIND) ?? {}, ['consumedBy']) as unknown as StoredAuthorizationCode;
  }
}
