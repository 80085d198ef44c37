import { aws_iam as iam } from 'aws-cdk-lib';
import { TABLE_ACCESS, type TableAccess } from '@mcp-cognito/contracts';

/** Item actions behind a `readWrite` prefix (libs/storage: conditional puts/updates/deletes, consistent reads). */
export const READ_WRITE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
/** Item actions behind a `readOnly` prefix. */
export const READ_ONLY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
/** The health check (libs/storage table-health.ts): a table-level call, it has no partition key to condition on. */
export const HEALTH_ACTIONS = ['dynamodb:DescribeTable'] as const;
/** What DynamoDB asks of the caller's principal for a table under a customer-managed key. */
export const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

/** `<prefix>*`: the `dynamodb:LeadingKeys` pattern of a key prefix (libs/contracts guarantees no prefix starts another). */
export const leadingKeyPatterns = (prefixes: readonly string[]) => prefixes.map((p) => `${p}*`);

export interface TableAccessTarget {
  tableArn: string;
  keyArn: string;
  /** Region of the table (the `kms:ViaService` value names DynamoDB's endpoint there). */
  region: string;
}

/** One statement of item `actions` on `tableArn`, only where every partition key of the request starts with one of `prefixes`. */
export function itemStatement(sid: string, actions: readonly string[], prefixes: readonly string[], tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: [...actions],
    resources: [tableArn],
    conditions: {
      // Every partition key the request touches must start with one of the service's prefixes
      // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(prefixes) },
      // ForAllValues is also true when the key is absent; demand it, so no call without a partition key passes.
      Null: { 'dynamodb:LeadingKeys': 'false' },
    },
  });
}

/** The table access libs/contracts `TABLE_ACCESS` grants `service`, or undefined when it has no entry there. */
export function tableAccessOf(service: string): TableAccess | undefined {
  return Object.hasOwn(TABLE_ACCESS, service) ? (TABLE_ACCESS as Record<string, TableAccess>)[service] : undefined;
}

/**
 * The task-role statements of `service` on the single table, derived from libs/contracts `TABLE_ACCESS`
 * (so a prefix added there reaches the policy without an infra edit): item actions only on the
 * partition-key prefixes the service owns (read-write and read-only separately), DescribeTable for the
 * health check, and the table key only when DynamoDB itself uses it on the service's behalf.
 */
export function tableAccessStatements(service: string, target: TableAccessTarget, access: TableAccess | undefined = tableAccessOf(service)): iam.PolicyStatement[] {
  // A service with no access given (no entry in TABLE_ACCESS, no `access` argument) gets nothing at all: no items, no
  // DescribeTable (its health checks no table), no key.
  if (access === undefined) return [];
  const statements: iam.PolicyStatement[] = [];
  if (access.readWrite.length > 0) statements.push(itemStatement('TableItemsReadWrite', READ_WRITE_ACTIONS, access.readWrite, target.tableArn));
  if (access.readOnly.length > 0) statements.push(itemStatement('TableItemsReadOnly', READ_ONLY_ACTIONS, access.readOnly, target.tableArn));
  statements.push(new iam.PolicyStatement({ sid: 'TableHealth', actions: [...HEALTH_ACTIONS], resources: [target.tableArn] }));
  statements.push(
    new iam.PolicyStatement({
      sid: 'TableKeyViaDynamoDb',
      actions: [...TABLE_KEY_ACTIONS],
      resources: [target.keyArn],
      // Usable only in requests DynamoDB makes for this principal: the task cannot decrypt with the key directly.
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${target.region}.amazonaws.com` } },
    }),
  );
  return statements;
}
