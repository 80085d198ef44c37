import { join } from 'node:path';
import {
  Duration,
  Stack,
  type RemovalPolicy,
  aws_cloudwatch as cloudwatch,
  aws_cognito as cognito,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { KEY_PREFIXES } from '@mcp-cognito/contracts';
import { alarmName } from '../config/names';
import type { StageName } from '../config/stages';
import { workspaceRoot } from '../config/workspace';
import { alarmTopicAction } from './alarm-topic';
import { TABLE_KEY_ACTIONS, itemStatement } from './table-access';

/** The Cognito API calls that offboard a user (CloudTrail `eventName`s); infra/src/functions/offboarding reads the same. */
export const OFFBOARDING_API_CALLS = ['AdminDisableUser', 'AdminDeleteUser', 'AdminUserGlobalSignOut'] as const;

/**
 * What the function does to the table (libs/storage `revokeUserEverywhere` and `resolveUser`), and nothing more: the
 * user grant index is only queried; a grant is read and ended (one conditional UpdateItem); the revocation marker is
 * read and written, feed entries written.
 */
export const OFFBOARDING_TABLE_ACCESS = [
  { sid: 'UserGrantIndexQuery', actions: ['dynamodb:Query'], prefix: KEY_PREFIXES.userGrants },
  { sid: 'GrantsReadAndEnd', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], prefix: KEY_PREFIXES.grant },
  { sid: 'RevocationsReadAndWrite', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], prefix: KEY_PREFIXES.revocationFeed },
] as const;

export interface OffboardingFunctionProps {
  stage: StageName;
  /** The pool whose events count (the rule matches `detail.requestParameters.userPoolId`). */
  userPool: cognito.IUserPool;
  /** The single table, as the data stack publishes it (SSM values). */
  table: { tableName: string; tableArn: string; keyArn: string };
  /** How long the feed entries live: the gateway's ACCESS_TOKEN_TTL + 300 s (the servers' largest clock tolerance). */
  coverSeconds: number;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  /** Lambda's retries of a failed invocation before the event goes to the dead-letter queue (0-2). @default 2 */
  retryAttempts?: number;
  /** A few at once is plenty (offboardings are rare) and keeps a burst off the table and Cognito's quota. @default 2 */
  reservedConcurrency?: number;
}

/**
 * Automatic offboarding (docs/deploy.md "Automatic offboarding"): an EventBridge rule on Cognito's CloudTrail events
 * `AdminDisableUser`, `AdminDeleteUser` and `AdminUserGlobalSignOut` for this user pool (successful calls only) invokes
 * a small function that revokes the user everywhere, as `npm run admin -- revoke-user` does. Least privilege: its role
 * may call AdminGetUser on this pool, touch only the table items it needs (LeadingKeys), use the table key only
 * through DynamoDB, write its own log group and its dead-letter queue. A failed invocation is retried by Lambda, then
 * parked in an encrypted SQS dead-letter queue (delivery failures of EventBridge too), whose alarm notifies the
 * stage's alarm topic.
 */
export class OffboardingFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OffboardingFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const root = workspaceRoot();

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS keeps a message: time for an operator to read it and finish by hand.
      retentionPeriod: Duration.days(14),
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });

    // An explicit role: the managed AWSLambdaBasicExecutionRole would allow writing to every log group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `mcp-cognito ${props.stage}: automatic offboarding on Cognito events`,
    });
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'OwnLogGroup', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'ResolveUsername', actions: ['cognito-idp:AdminGetUser'], resources: [props.userPool.userPoolArn] }));
    for (const access of OFFBOARDING_TABLE_ACCESS) this.role.addToPolicy(itemStatement(access.sid, access.actions, [access.prefix], props.table.tableArn));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableKeyViaDynamoDb',
        actions: [...TABLE_KEY_ACTIONS],
        resources: [props.table.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: `mcp-cognito ${props.stage}: revokes a user everywhere when Cognito disables, deletes or signs them out`,
      entry: join(root, 'infra/src/functions/offboarding/handler.ts'),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Each storage operation is bounded at 2.5 s and AdminGetUser at 3 x 5 s: a user with many grants fits easily.
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 2,
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        TABLE_NAME: props.table.tableName,
        USER_POOL_ID: props.userPool.userPoolId,
        COVER_SECONDS: String(props.coverSeconds),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // esbuild from the workspace's devDependencies (pinned): no Docker, so synth works offline and in CI.
        forceDockerBundling: false,
        format: nodejs.OutputFormat.CJS,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // Bundle the pinned SDK clients instead of the runtime's copy: the function runs the versions the tests ran.
        externalModules: [],
        tsconfig: join(root, 'infra/tsconfig.app.json'),
      },
    });

    this.rule = new events.Rule(this, 'CognitoOffboardingCalls', {
      description: `mcp-cognito ${props.stage}: Cognito disabled, deleted or globally signed out a user of the pool`,
      eventPattern: {
        source: ['aws.cognito-idp'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cognito-idp.amazonaws.com'],
          eventName: [...OFFBOARDING_API_CALLS],
          requestParameters: { userPoolId: [props.userPool.userPoolId] },
          // Failed calls changed nothing at Cognito.
          errorCode: [{ exists: false }],
        },
      },
    });
    // EventBridge's own retries cover failures to invoke the function (throttled, unavailable); its failures land in
    // the same queue.
    this.rule.addTarget(new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 20, maxEventAge: Duration.hours(6) }));

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'DeadLetterAlarm', {
        alarmName: alarmName(props.stage, 'offboarding-dead-letters'),
        alarmDescription:
          'An automatic offboarding failed after its retries (or named no user): finish it with npm run admin -- revoke-user and read the ' +
          'message in the queue (docs/operations.md)',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.deadLetterAlarm.addAlarmAction(alarmTopicAction(this, props.stage));
  }
}
