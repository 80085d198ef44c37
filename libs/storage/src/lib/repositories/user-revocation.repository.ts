import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ItemStore, isLive, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';

const KIND = 'user_revocation';

/**
 * How long a marker lives: the longest refresh-token family libs/config accepts (REFRESH_TOKEN_TTL, 365 days) plus the
 * longest sign-in (a pending authorization, then its code: 600 s each at most). No grant or code that started before
 * the revocation can outlive it.
 */
export const USER_REVOCATION_MARKER_SECONDS = 365 * 86_400 + 1_200;

/**
 * The `Date` header has second precision: the endpoint's real time at that response lies in [date, date + 1 s).
 * Adding just under a second makes the cut-off an upper bound of that second (its tokens are refused, as the feed's
 * same-second rule does) without reaching into the next one.
 */
const DATE_PRECISION_MS = 999;

/** A user's last revocation (docs/architecture.md#revocation). */
export interface UserRevocationRecord {
  sub: string;
  /**
   * The cut-off, epoch ms: every sign-in (pending authorization), code and grant of the user that started at or
   * before this second is refused at `/token`; the user's access tokens issued until then are named by the feed.
   */
  revokedAtMs: number;
  /** Why (the feed's vocabulary: `admin`, `signed_out_everywhere`, `cognito:AdminDisableUser`, ...). */
  reason: string;
  expiresAt: number;
}

/**
 * `REVOKED#user:<sub>` / `META`: one point item per revoked user, read with one GetItem at code redemption and at
 * refresh (never on a tool call), so that a sign-in that was in flight when the user was revoked - a pending
 * authorization created before, or a code not yet redeemed - cannot produce tokens afterwards, and a grant created
 * in the race with the revocation's listing cannot be refreshed.
 *
 * **Whose clock.** The cut-off is the later of the writer's clock and the table endpoint's clock (the `Date` of a
 * response to a read made just before the write). Tokens and grants are stamped by the gateway (an NTP-synced server);
 * a writer whose clock is behind - an operator's laptop running the admin command - would otherwise set a cut-off
 * before the real time of its revocation and leave the most recent tokens uncovered (and, 30 s or more behind, write
 * feed entries that running servers never read). A writer ahead only covers more. Why not a fixed margin: it would
 * also refuse a sign-in that legitimately follows the revocation (a user who signs out everywhere and back in).
 */
export class UserRevocationRepository {
  private readonly store: ItemStore;

  constructor(private readonly ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /**
   * Records a revocation of `sub` now: one consistent GetItem (the previous marker, and a fresh `Date` from the table
   * endpoint), then one PutItem. The cut-off never moves back (a later revocation keeps the latest). Returns the
   * stored record: its `revokedAtMs` is the cut-off the feed's user entry must use.
   */
  async mark(sub: string, input: { reason: string; ttlSeconds?: number }): Promise<UserRevocationRecord> {
    const previous = await this.get(sub);
    const tableDate = this.ctx.clients.tableDateMs();
    const revokedAtMs = Math.max(this.ctx.clock.now(), tableDate === undefined ? 0 : tableDate + DATE_PRECISION_MS, previous?.revokedAtMs ?? 0);
    const ttl = input.ttlSeconds ?? USER_REVOCATION_MARKER_SECONDS;
    if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError('ttlSeconds must be a positive integer');
    const record: UserRevocationRecord = {
      sub,
      revokedAtMs,
      reason: input.reason,
      expiresAt: Math.max(this.store.nowSeconds() + ttl, previous?.expiresAt ?? 0),
    };
    // Unconditional: two concurrent revocations both write a cut-off at or after their own read, either is correct.
    await this.store.send(new PutCommand({ TableName: this.store.tableName, Item: { ...keys.userRevocation(sub), kind: KIND, ...record } }));
    return record;
  }

  /** The user's live marker (consistent GetItem), or undefined when the user was never revoked (or long ago). */
  async get(sub: string): Promise<UserRevocationRecord | undefined> {
    const item = await this.store.getRaw(keys.userRevocation(sub));
    return isLive(item, this.store.nowSeconds()) ? toRecord<UserRevocationRecord>(item, KIND) : undefined;
  }
}

/**
 * Whether something that started at `startedAtSeconds` (epoch s: a sign-in, a grant) is covered by `revocation`.
 * Second precision, so the second of the revocation counts as before it (the safe side, as the feed's `iat` rule).
 */
export function startedBeforeRevocation(startedAtSeconds: number, revocation: Pick<UserRevocationRecord, 'revokedAtMs'> | undefined): boolean {
  return revocation !== undefined && startedAtSeconds <= Math.floor(revocation.revokedAtMs / 1000);
}
