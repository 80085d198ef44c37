import {
  Annotations,
  Fn,
  SecretValue,
  Stack,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  type aws_logs as logs,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { secretName, type SecretKey, type SsmKey } from '../config/names';
import type { StageConfig } from '../config/stages';
import { readParameter } from './shared-parameters';

const SECRET_ARN_PARAMS: Record<Exclude<SecretKey, 'originVerify'>, SsmKey> = {
  cognitoClientSecret: 'cognitoClientSecretArn',
  gatewaySigningKeys: 'gatewaySigningKeysSecretArn',
  tokenEncryptionKeys: 'tokenEncryptionKeysSecretArn',
  storageEncryptionKeys: 'storageEncryptionKeysSecretArn',
  cookieSecret: 'cookieSecretArn',
};

/**
 * What a service stack needs from the shared stacks, imported by SSM parameter name only (no
 * CloudFormation exports, no lookups): VPC, cluster, ALB listener and its security group, the
 * table, the public base URL and Cognito's ids.
 */
export class SharedInfrastructure extends Construct {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly albSecurityGroup: ec2.ISecurityGroup;
  readonly listener: elbv2.IApplicationListener;
  readonly publicBaseUrl: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly tableKeyArn: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly cognitoDomainUrl: string;
  /** Dynamic reference to the origin-verify secret (by name), for the listener rules' header condition. */
  readonly originVerifyValue: string;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: { config: StageConfig; originVerifyVersionId?: string }) {
    super(scope, id);
    const { config } = props;
    this.config = config;
    const read = (key: SsmKey) => readParameter(this, config.stage, key);

    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: read('vpcId'),
      availabilityZones: config.availabilityZones,
      privateSubnetIds: Fn.split(',', read('privateSubnetIds'), config.availabilityZones.length),
    });
    // Fargate services never read the subnets' route tables.
    Annotations.of(this.vpc).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'route tables are not used by Fargate services');
    this.cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: read('clusterName'), vpc: this.vpc });
    this.albSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'AlbSecurityGroup', read('albSecurityGroupId'), {
      allowAllOutbound: false,
      mutable: false,
    });
    this.listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: read('albListenerArn'),
      securityGroup: this.albSecurityGroup,
    });
    this.publicBaseUrl = config.customDomain ? `https://${config.customDomain.domainName}` : read('publicBaseUrl');
    this.tableName = read('tableName');
    this.tableArn = read('tableArn');
    this.tableKeyArn = read('tableKeyArn');
    this.userPoolId = read('userPoolId');
    this.userPoolClientId = read('userPoolClientId');
    this.cognitoDomainUrl = read('cognitoDomainUrl');
    this.originVerifyValue = SecretValue.secretsManager(secretName(config.stage, 'originVerify'), {
      versionId: props.originVerifyVersionId,
    }).unsafeUnwrap();
  }

  /**
   * A secret of the security stack, by its complete ARN from SSM: grants name exactly that ARN
   * (no `-??????` wildcard suffix).
   */
  secret(key: Exclude<SecretKey, 'originVerify'>): secretsmanager.ISecret {
    return secretsmanager.Secret.fromSecretCompleteArn(this, `Secret-${key}`, readParameter(this, this.config.stage, SECRET_ARN_PARAMS[key]));
  }

  /**
   * The props of `McpFargateService` that come from the shared infrastructure and the stage, the same for
   * both services (only the table actions differ). Creates no constructs.
   */
  serviceDefaults(tableActions: readonly string[]) {
    return {
      table: { tableArn: this.tableArn, keyArn: this.tableKeyArn, actions: [...tableActions] },
      vpc: this.vpc,
      cluster: this.cluster,
      listener: this.listener,
      albSecurityGroup: this.albSecurityGroup,
      originVerifyValue: this.originVerifyValue,
      logRetention: this.config.logRetentionDays as logs.RetentionDays,
      removalPolicy: this.config.removalPolicy,
    };
  }

  /**
   * The container environment both services share (variable names: libs/config runtime.config.ts and
   * cognito.config.ts); each service stack adds its own variables.
   */
  commonEnvironment(port: number, logLevel: string): Record<string, string> {
    const region = Stack.of(this).region;
    return {
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: String(port),
      LOG_LEVEL: logLevel,
      LOG_FORMAT: 'json',
      AWS_REGION: region,
      DYNAMODB_TABLE: this.tableName,
      COGNITO_USER_POOL_ID: this.userPoolId,
      COGNITO_CLIENT_ID: this.userPoolClientId,
      COGNITO_DOMAIN: this.cognitoDomainUrl,
      COGNITO_REGION: region,
      GATEWAY_ISSUER: this.publicBaseUrl,
    };
  }
}
