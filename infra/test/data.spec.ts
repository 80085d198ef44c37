import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '@mcp-cognito/storage';
import { buildTestApp } from './helpers';

describe('data stack: the single table', () => {
  let dev: Template;
  let prod: Template;

  beforeAll(() => {
    dev = Template.fromStack(buildTestApp('dev').data);
    prod = Template.fromStack(buildTestApp('prod').data);
  });

  it('has the keys and TTL attribute libs/storage uses, on-demand', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('has point-in-time recovery and a customer-managed, rotating KMS key', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TableKey'), 'Arn'] } },
    });
    dev.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('prod keeps table and key (RETAIN + deletion protection); dev may delete them', () => {
    prod.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    prod.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    dev.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });
});
