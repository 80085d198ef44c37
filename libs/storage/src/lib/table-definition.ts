import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table (docs/architecture.md#storage): string keys `pk`/`sk`, TTL on `expiresAt` (epoch seconds), no GSI.
 * Every access pattern is a GetItem/UpdateItem/DeleteItem on one key or a Query on one `pk`
 * (see docs/key-layout.md). The CDK data stack must declare the same keys and TTL attribute.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** TTL attribute: epoch seconds. DynamoDB deletes lazily (up to ~48 h), so reads check it too. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** CreateTable input for `tableName` (on-demand billing; encryption/PITR are set by the CDK stack). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}
