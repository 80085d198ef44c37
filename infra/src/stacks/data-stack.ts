import { Stack, type StackProps, aws_dynamodb as dynamodb, aws_kms as kms } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import { publishParameter } from '../constructs/shared-parameters';

export interface DataStackProps extends StackProps {
  config: StageConfig;
}

/** Keys and TTL attribute of the single table: the same as libs/storage's `tableDefinition`. */
export const TABLE_SCHEMA = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

/**
 * The single DynamoDB table (docs/architecture.md#storage): string `pk`/`sk`, on-demand, TTL on `expiresAt`,
 * point-in-time recovery, encrypted with a customer-managed key that rotates yearly. Removal policy
 * and deletion protection come from the stage (RETAIN + protected in prod).
 */
export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.key = new kms.Key(this, 'TableKey', {
      description: `mcp-cognito ${config.stage}: encrypts the single table`,
      alias: `alias/mcp-cognito/${config.stage}/table`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    publishParameter(this, config.stage, 'tableName', this.table.tableName);
    publishParameter(this, config.stage, 'tableArn', this.table.tableArn);
    publishParameter(this, config.stage, 'tableKeyArn', this.key.keyArn);
  }
}
