import { Match, Template } from 'aws-cdk-lib/assertions';
import { KEY_PREFIXES } from '@mcp-cognito/contracts';
import { alarmName, alarmTopicName } from '../src/config/names';
import { buildTestApp, resourcesOf, statementsOf, type PolicyStatementJson } from './helpers';

/**
 * Issue 15 "admin offboarding, in AWS": Cognito's AdminDisableUser / AdminDeleteUser / AdminUserGlobalSignOut (CloudTrail
 * through EventBridge) revoke the user everywhere, through a small least-privilege function (security stack).
 */
describe('automatic offboarding: EventBridge rule on Cognito CloudTrail events -> function (security stack)', () => {
  let template: Template;
  let userPoolRef: unknown;

  beforeAll(() => {
    const stacks = buildTestApp('dev');
    template = Template.fromStack(stacks.security);
    userPoolRef = stacks.security.resolve(stacks.security.userPool.userPoolId);
  });

  it('the rule matches exactly the three calls, successful, on this user pool only', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties['EventPattern']).toEqual({
      source: ['aws.cognito-idp'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['cognito-idp.amazonaws.com'],
        eventName: ['AdminDisableUser', 'AdminDeleteUser', 'AdminUserGlobalSignOut'],
        requestParameters: { userPoolId: [userPoolRef] },
        errorCode: [{ exists: false }],
      },
    });
    expect(rules[0]![1].Properties['State']).toBe('ENABLED');
  });

  it('the function: Node 24 on ARM64, bundled (no Docker), small reserved concurrency, bounded, its own log group with retention', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 2,
      Timeout: 60,
      Environment: { Variables: Match.objectLike({ USER_POOL_ID: userPoolRef, COVER_SECONDS: '1200', TABLE_NAME: Match.anyValue() }) },
      LoggingConfig: { LogGroup: Match.anyValue(), LogFormat: 'Text' },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    // Lambda retries a failed invocation twice, then the event goes to the dead-letter queue; so do EventBridge's
    // failures to invoke (after its own retries).
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 });
    const rule = resourcesOf(template, 'AWS::Events::Rule')[0]![1];
    const target = (rule.Properties['Targets'] as Array<Record<string, unknown>>)[0]!;
    expect(target['RetryPolicy']).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 21_600 });
    expect(target['DeadLetterConfig']).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^OffboardingDeadLetters/), 'Arn'] } });
  });

  it('the dead-letter queue is encrypted, TLS-only, and only EventBridge (for this rule) and the function may send to it', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(1);
    expect(queues[0]![1].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    const policy = resourcesOf(template, 'AWS::SQS::QueuePolicy')[0]![1].Properties['PolicyDocument'] as { Statement: PolicyStatementJson[] };
    expect(policy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^OffboardingCognitoOffboardingCalls/), 'Arn'] } } },
        }),
      ]),
    );
  });

  it('an alarm on the dead-letter queue notifies the stage alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName('dev', 'offboarding-dead-letters'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:${alarmTopicName('dev')}$`)])] }],
    });
  });

  it("the role's policy is exactly: own log group, AdminGetUser on this pool, the table items it needs (LeadingKeys), the key via DynamoDB, the DLQ", () => {
    const roles = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('OffboardingRole'));
    expect(roles).toHaveLength(1);
    expect(roles[0]![1].Properties['ManagedPolicyArns']).toBeUndefined();
    const policies = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('OffboardingRole'));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]![1].Properties['PolicyDocument'] as { Statement: PolicyStatementJson[] }).Statement;
    const leading = (prefix: string) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] }, Null: { 'dynamodb:LeadingKeys': 'false' } });
    const tableArn = { Ref: expect.stringMatching(/^SsmParameterValue.*tablearn/i) };
    expect(statements).toEqual([
      { Sid: 'OwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OffboardingLogs/), 'Arn'] } },
      { Sid: 'ResolveUsername', Effect: 'Allow', Action: 'cognito-idp:AdminGetUser', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^UserPool/), 'Arn'] } },
      { Sid: 'UserGrantIndexQuery', Effect: 'Allow', Action: 'dynamodb:Query', Resource: tableArn, Condition: leading(KEY_PREFIXES.userGrants) },
      { Sid: 'GrantsReadAndEnd', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn, Condition: leading(KEY_PREFIXES.grant) },
      { Sid: 'RevocationsReadAndWrite', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn, Condition: leading(KEY_PREFIXES.revocationFeed) },
      {
        Sid: 'TableKeyViaDynamoDb',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: { Ref: expect.stringMatching(/^SsmParameterValue.*tablekeyarn/i) },
        Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OffboardingDeadLetters/), 'Arn'] } },
    ]);
  });

  it('nothing else in the security stack can touch the table', () => {
    const others = statementsOf(template).filter((s) => JSON.stringify(s.Action).includes('dynamodb:') && !['UserGrantIndexQuery', 'GrantsReadAndEnd', 'RevocationsReadAndWrite'].includes(s.Sid ?? ''));
    expect(others).toEqual([]);
  });
});
