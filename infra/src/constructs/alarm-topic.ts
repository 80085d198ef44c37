import { ArnFormat, Stack, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_iam as iam, aws_kms as kms, aws_sns as sns, aws_sns_subscriptions as subs, type RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { alarmTopicName } from '../config/names';
import type { StageName } from '../config/stages';

export interface AlarmTopicProps {
  stage: StageName;
  /** @default none (subscribe by hand: docs/operations.md) */
  email?: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The stage's alarm topic in this stack's region, encrypted with its own key (an SNS topic under the
 * AWS-managed `aws/sns` key cannot receive CloudWatch alarms: that key's policy cannot be extended to
 * cloudwatch.amazonaws.com). Named by {@link alarmTopicName}, so other stacks of the region address it by
 * ARN without a reference.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'Key', {
      description: `mcp-cognito ${props.stage}: encrypts the alarm topic in ${stack.region}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic on its own behalf, only for alarms of this account.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: alarmTopicName(props.stage),
      displayName: `mcp-cognito ${props.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subs.EmailSubscription(props.email));
  }
}

/** The alarm topic of `stage` in `scope`'s region, by name: for stacks that deploy before the topic exists. */
export function alarmTopicAction(scope: Construct, stage: StageName): cloudwatch.IAlarmAction {
  const stack = Stack.of(scope);
  const arn = stack.formatArn({ service: 'sns', resource: alarmTopicName(stage), arnFormat: ArnFormat.NO_RESOURCE_NAME });
  return new actions.SnsAction(sns.Topic.fromTopicArn(scope, 'AlarmTopicRef', arn));
}
