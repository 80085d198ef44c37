import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, isLive, toRecord, type StorageContext } from '../item-store';
import { keys } from '../keys';

/**
 * The client's original /authorize request, stored after consent under a random session id that
 * travels as the upstream `state` (docs/architecture.md#the-flow). Also the passport state store's record: it carries
 * the upstream PKCE verifier for the Cognito leg.
 */
export interface PendingAuthorizationRecord {
  /** An MCP client's authorization (absent on records written before sign-ins had purposes). */
  purpose?: 'authorization';
  clientId: string;
  redirectUri: string;
  /** RFC 6749 §4.1.3: the client omitted redirect_uri (one registered URI), so it may omit it at /token too. */
  redirectUriOmitted?: boolean;
  /** The client's `state`, echoed back on the final redirect. */
  clientState?: string;
  /** RFC 7636: only S256 is accepted (docs/architecture.md#invariants). */
  codeChallenge: string;
  codeChallengeMethod: 'S256';
  scope: string;
  /** RFC 8707 resource indicator. */
  resource: string;
  /** PKCE verifier of the gateway's own request to Cognito (secret, lives ~10 min, single use). */
  upstreamCodeVerifier?: string;
  upstreamNonce?: string;
  /**
   * How consent was obtained: `given` on the consent page in this flow, or `remembered` from an earlier approval in
   * this browser, which the callback must find was given by the user who signed in (absent = `remembered`).
   */
  consent?: 'given' | 'remembered';
}

/**
 * A sign-in to the gateway's own account page (`/account`): the same Cognito leg and the same `/callback` as an
 * authorization, but no client, code or grant comes of it - only the page's short session for the user who signed in.
 */
export interface PendingAccountSignIn {
  purpose: 'account';
  /** PKCE verifier of the gateway's own request to Cognito (secret, lives ~10 min, single use). */
  upstreamCodeVerifier?: string;
  upstreamNonce?: string;
}

/** Whatever a pending sign-in is for: the callback tells them apart by `purpose`. */
export type PendingSignIn = PendingAuthorizationRecord | PendingAccountSignIn;

/** True for an account-page sign-in (every other pending record is an MCP client's authorization). */
export function isAccountSignIn(record: PendingSignIn): record is PendingAccountSignIn {
  return record.purpose === 'account';
}

export type StoredPendingAuthorization = PendingSignIn & {
  createdAt: number;
  expiresAt: number;
};

const KIND = 'session';

/** `SESSION#<id>`: pending authorization requests, single use. */
export class PendingAuthorizationRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /**
   * Stores the request under `id` for `ttlSeconds` (~600). Never overwrites.
   * @throws ItemAlreadyExistsError
   */
  async create(id: string, record: PendingSignIn, ttlSeconds: number): Promise<void> {
    const now = this.store.nowSeconds();
    await this.store.putNew({ ...keys.session(id), kind: KIND, ...record, createdAt: now, expiresAt: now + ttlSeconds });
  }

  /**
   * Single use: one conditional DeleteItem returning the old item. Of N concurrent calls at most one
   * gets the record; an expired record is deleted and treated as absent.
   */
  async consume(id: string): Promise<StoredPendingAuthorization | undefined> {
    try {
      const out = await this.store.send(
        new DeleteCommand({
          TableName: this.store.tableName,
          Key: keys.session(id),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!isLive(out.Attributes, this.store.nowSeconds())) return undefined;
      return toRecord<StoredPendingAuthorization>(out.Attributes, KIND);
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }
}
