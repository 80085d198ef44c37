import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../errors';
import { ItemStore, LIVE_CONDITION, type StorageContext } from '../item-store';
import { keys } from '../keys';
import { buildUpdate } from '../update-expression';

/** A registered OAuth client: RFC 7591 §2 metadata in camelCase, plus what the server keeps. */
export interface ClientRecord {
  clientId: string;
  /** SHA-256 (or stronger) of the client secret; absent for public clients (`none`). Never the secret. */
  clientSecretHash?: string;
  /** RFC 7591 `client_secret_expires_at`: 0 = never. */
  clientSecretExpiresAt?: number;
  redirectUris: string[];
  tokenEndpointAuthMethod: 'none' | 'client_secret_basic' | 'client_secret_post';
  grantTypes: string[];
  responseTypes: string[];
  clientName?: string;
  clientUri?: string;
  logoUri?: string;
  scope?: string;
  contacts?: string[];
  tosUri?: string;
  policyUri?: string;
  softwareId?: string;
  softwareVersion?: string;
  /** `dynamic` = RFC 7591 registration (expires unless used), `static` = provisioned by operators. */
  registrationType: 'dynamic' | 'static';
  /** Epoch seconds; RFC 7591 `client_id_issued_at`. */
  createdAt: number;
  lastUsedAt?: number;
  /** Epoch seconds; set for unused dynamic registrations, cleared or extended by `markUsed`. */
  expiresAt?: number;
}

export type NewClient = Omit<ClientRecord, 'createdAt' | 'lastUsedAt' | 'expiresAt'>;

const KIND = 'client';

/** `CLIENT#<clientId>`: registered clients (RFC 7591). */
export class ClientRepository {
  private readonly store: ItemStore;

  constructor(ctx: StorageContext) {
    this.store = new ItemStore(ctx);
  }

  /**
   * Stores a new client; never overwrites a live one (conditional put).
   * @param unusedTtlSeconds expire the registration unless `markUsed` is called within this time
   * @throws ItemAlreadyExistsError
   */
  async create(client: NewClient, unusedTtlSeconds?: number): Promise<ClientRecord> {
    const now = this.store.nowSeconds();
    const record: ClientRecord = {
      ...client,
      createdAt: now,
      expiresAt: unusedTtlSeconds === undefined ? undefined : now + unusedTtlSeconds,
    };
    await this.store.putNew({ ...keys.client(client.clientId), kind: KIND, ...record });
    return record;
  }

  /** The client, or undefined if unknown or expired. One consistent GetItem. */
  get(clientId: string): Promise<ClientRecord | undefined> {
    return this.store.getLive<ClientRecord>(keys.client(clientId), KIND);
  }

  /**
   * Records use of a live client (e.g. its first authorization) and clears its expiry, or moves it to
   * `now + extendBySeconds`. Returns false when the client is unknown or already expired.
   */
  async markUsed(clientId: string, options: { extendBySeconds?: number } = {}): Promise<boolean> {
    const now = this.store.nowSeconds();
    const extend = options.extendBySeconds;
    const update = buildUpdate(
      { lastUsedAt: now, expiresAt: extend === undefined ? undefined : now + extend },
      extend === undefined ? ['expiresAt'] : [],
    );
    try {
      await this.store.send(
        new UpdateCommand({
          TableName: this.store.tableName,
          Key: keys.client(clientId),
          ...update,
          ConditionExpression: LIVE_CONDITION,
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
