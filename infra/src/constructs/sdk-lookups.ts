import { Stack, Validations, aws_iam as iam, aws_logs as logs, custom_resources as cr } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The logical id CDK gives the singleton Lambda behind every AwsCustomResource of a stack. */
const AWS_CUSTOM_RESOURCE_SINGLETON_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

export interface CrossRegionParameterProps {
  /** Full SSM parameter name, e.g. `/mcp-cognito/dev/waf/web-acl-arn`. */
  parameterName: string;
  /** Region the parameter lives in (the WAF stack's us-east-1). */
  region: string;
  logRetention: logs.RetentionDays;
}

/**
 * Reads an SSM parameter of another region at deploy time (the "cross-region SSM sync"): a custom
 * resource calls `ssm:GetParameter` in `region` on create and update and exposes the value. It is
 * how the CloudFront distribution (stage region) learns the WebACL ARN written by the us-east-1 WAF
 * stack without a cross-region CloudFormation reference. The read happens when this resource is
 * created or its properties change, so replacing the WebACL (new ARN) needs a deploy of this stack
 * with a changed `refreshToken` (`-c wafRefresh=<anything new>`).
 */
export class CrossRegionParameter extends Construct {
  readonly value: string;

  constructor(scope: Construct, id: string, props: CrossRegionParameterProps & { refreshToken?: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      region: props.region,
      resource: 'parameter',
      resourceName: props.parameterName.replace(/^\//, ''),
    });
    const call: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'getParameter',
      region: props.region,
      parameters: { Name: props.parameterName },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.parameterName}@${props.region}#${props.refreshToken ?? '0'}`),
      outputPaths: ['Parameter.Value'],
    };
    const resource = new cr.AwsCustomResource(this, 'Read', {
      resourceType: 'Custom::CrossRegionParameter',
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: customResourceLogGroup(Stack.of(this), props.logRetention),
    });
    this.value = resource.getResponseField('Parameter.Value');
    acknowledgeCustomResourceSingleton(stack);
  }
}

/** AWS's name of the managed prefix list of CloudFront's origin-facing servers (same name in every region). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * The id of CloudFront's origin-facing managed prefix list in this stack's region (`pl-...`, which
 * differs per region), looked up at deploy time by a custom resource - synth needs no AWS account
 * and no `fromLookup`.
 */
export class CloudFrontPrefixList extends Construct {
  readonly prefixListId: string;

  constructor(scope: Construct, id: string, props: { logRetention: logs.RetentionDays }) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST] }] },
      physicalResourceId: cr.PhysicalResourceId.of(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    };
    const resource = new cr.AwsCustomResource(this, 'Lookup', {
      resourceType: 'Custom::CloudFrontPrefixList',
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: customResourceLogGroup(Stack.of(this), props.logRetention),
    });
    this.prefixListId = resource.getResponseField('PrefixLists.0.PrefixListId');
    Validations.of(resource).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeManagedPrefixLists is a List/Describe action without resource-level permissions: only Resource "*" is valid.',
    });
    acknowledgeCustomResourceSingleton(Stack.of(this));
  }
}

/** One log group (with retention) for the stack's AwsCustomResource singleton Lambda. */
export function customResourceLogGroup(stack: Stack, retention: logs.RetentionDays): logs.ILogGroup {
  const existing = stack.node.tryFindChild('CustomResourceLogs') as logs.LogGroup | undefined;
  return existing ?? new logs.LogGroup(stack, 'CustomResourceLogs', { retention });
}

/**
 * The Lambda that runs every AwsCustomResource of a stack is created by CDK, not by us: its role
 * uses AWSLambdaBasicExecutionRole (CloudWatch Logs only).
 */
export function acknowledgeCustomResourceSingleton(stack: Stack): void {
  const fn = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON_ID);
  if (!fn) return;
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'CDK-provided AwsCustomResource Lambda: the managed policy only allows writing its own CloudWatch Logs; the SDK-call permissions are separate, resource-scoped policies.',
  });
}
