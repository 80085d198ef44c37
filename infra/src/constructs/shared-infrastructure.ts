import {
  Annotations,
  Fn,
  Stack,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  type aws_logs as logs,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { SecretKey, SsmKey } from '../config/names';
import type { StageConfig } from '../config/stages';
import { TIMEOUTS } from '../config/timeouts';
import { alarmTopicAction } from './alarm-topic';
import { readParameter } from './shared-parameters';

const SECRET_ARN_PARAMS: Record<SecretKey, SsmKey> = {
  cognitoClientSecret: 'cognitoClientSecretArn',
  gatewaySigningKeys: 'gatewaySigningKeysSecretArn',
  tokenEncryptionKeys: 'tokenEncryptionKeysSecretArn',
  storageEncryptionKeys: 'storageEncryptionKeysSecretArn',
  cookieSecret: 'cookieSecretArn',
  refreshTokenKeys: 'refreshTokenKeysSecretArn',
};

/**
 * What a service stack needs from the shared stacks, imported by SSM parameter name only (no
 * CloudFormation exports, no lookups): VPC, cluster, ALB listener and its security group, the
 * table, the public base URL, Cognito's ids; and the stage's alarm topic, by its fixed name.
 */
export class SharedInfrastructure extends Construct {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly albSecurityGroup: ec2.ISecurityGroup;
  readonly listener: elbv2.IApplicationListener;
  readonly publicBaseUrl: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly cognitoDomainUrl: string;
  readonly albFullName: string;
  /** The stage's alarm topic in this region (created by the monitoring stack; addressed by name). */
  readonly alarmAction: cloudwatch.IAlarmAction;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
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
    this.userPoolId = read('userPoolId');
    this.userPoolClientId = read('userPoolClientId');
    this.cognitoDomainUrl = read('cognitoDomainUrl');
    this.albFullName = read('albFullName');
    this.alarmAction = alarmTopicAction(this, config.stage);
  }

  /**
   * The table's name, ARN and key ARN: read (an SSM parameter of the template) only by a stack whose service uses the
   * table (every service today: MCP servers read at least the revocation feed).
   */
  get tableName(): string {
    return readParameter(this, this.config.stage, 'tableName');
  }

  get tableArn(): string {
    return readParameter(this, this.config.stage, 'tableArn');
  }

  get tableKeyArn(): string {
    return readParameter(this, this.config.stage, 'tableKeyArn');
  }

  /**
   * A secret of the security stack, by its complete ARN from SSM: grants name exactly that ARN
   * (no `-??????` wildcard suffix).
   */
  secret(key: SecretKey): secretsmanager.ISecret {
    return secretsmanager.Secret.fromSecretCompleteArn(this, `Secret-${key}`, readParameter(this, this.config.stage, SECRET_ARN_PARAMS[key]));
  }

  /**
   * The props of `McpFargateService` that come from the shared infrastructure and the stage, the same for
   * both services (each one's table access comes from libs/contracts by its service name; every service has some: an
   * MCP server reads at least the revocation feed). Creates no constructs.
   */
  serviceDefaults() {
    return {
      stage: this.config.stage,
      table: { tableArn: this.tableArn, keyArn: this.tableKeyArn, region: Stack.of(this).region },
      vpc: this.vpc,
      cluster: this.cluster,
      listener: this.listener,
      albSecurityGroup: this.albSecurityGroup,
      albFullName: this.albFullName,
      alarmAction: this.alarmAction,
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
      // Drain on SIGTERM (config/timeouts.ts: deregistration delay >= this < stopTimeout); no announce window behind
      // the ALB (ECS deregisters first); keep-alive above the ALB idle timeout.
      SHUTDOWN_GRACE_MS: String(TIMEOUTS.shutdownGraceMs),
      SHUTDOWN_ANNOUNCE_MS: String(TIMEOUTS.shutdownAnnounceMs),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(TIMEOUTS.serviceKeepAliveMs),
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
