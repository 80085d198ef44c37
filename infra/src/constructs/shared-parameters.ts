import { aws_ssm as ssm } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ssmName, type SsmKey } from '../config/names';
import type { StageName } from '../config/stages';

/**
 * Publishes `value` under the shared SSM name of `key` (see config/names.ts). The construct id is
 * the key, so one stack publishes each key once.
 */
export function publishParameter(scope: Construct, stage: StageName, key: SsmKey, value: string): ssm.StringParameter {
  return new ssm.StringParameter(scope, `Param-${key}`, {
    parameterName: ssmName(stage, key),
    stringValue: value,
    description: `mcp-cognito ${stage}: ${key} (read by other stacks; not a CloudFormation export)`,
  });
}

/**
 * Reads a shared value at deploy time: a CloudFormation parameter of type
 * `AWS::SSM::Parameter::Value<String>` whose default is the parameter name. No export, so the
 * producing stack stays free to change and each consumer picks up the value on its next deploy.
 */
export function readParameter(scope: Construct, stage: StageName, key: SsmKey): string {
  return ssm.StringParameter.valueForStringParameter(scope, ssmName(stage, key));
}
