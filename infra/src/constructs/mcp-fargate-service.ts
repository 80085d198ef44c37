import {
  Duration,
  RemovalPolicy,
  Validations,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ServiceName } from '@mcp-cognito/routing';
import type { ServiceSizing } from '../config/stages';
import { RouteRules } from './route-rules';

export interface TableAccess {
  tableArn: string;
  keyArn: string;
  /** DynamoDB actions, e.g. `dynamodb:GetItem`; never a wildcard. */
  actions: string[];
}

export interface McpFargateServiceProps {
  service: ServiceName;
  image: ecs.ContainerImage;
  containerPort: number;
  sizing: ServiceSizing;
  /** Plain configuration only: anything secret goes in {@link secrets}. */
  environment: Record<string, string>;
  /** Injected by the ECS agent from Secrets Manager at task start (read by the execution role). */
  secrets: Record<string, ecs.Secret>;
  table: TableAccess;
  vpc: ec2.IVpc;
  cluster: ecs.ICluster;
  listener: elbv2.IApplicationListener;
  albSecurityGroup: ec2.ISecurityGroup;
  originVerifyValue: string;
  logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

/** Path of the health endpoint both services serve (process up + table reachable). */
export const HEALTH_PATH = '/health';

const SECRET_LIKE = /SECRET|KEYS?$|PASSWORD|TOKEN$/;

/**
 * One MCP service on Fargate behind the shared ALB: task definition from the app's Docker image,
 * least-privilege task role (only the given table actions on the table, the table key), secrets
 * through Secrets Manager, its own log group, target group, listener rules (from libs/routing) and
 * CPU autoscaling. Secure defaults: private subnets, no public IP, read-only root filesystem (with a
 * task-local /tmp), non-root user from the image, deployment circuit breaker with rollback.
 */
export class McpFargateService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: McpFargateServiceProps) {
    super(scope, id);
    for (const name of Object.keys(props.environment)) {
      if (SECRET_LIKE.test(name) && !['TOKEN_CACHE_MAX_ENTRIES'].includes(name)) {
        throw new Error(`${props.service}: ${name} looks secret; pass it in "secrets", never in the plain environment`);
      }
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `${props.service}: its table actions on its table, its table key; nothing else`,
    });
    taskRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'TableItems', actions: props.table.actions, resources: [props.table.tableArn] }),
    );
    taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.table.keyArn],
      }),
    );

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.sizing.cpu,
      memoryLimitMiB: props.sizing.memoryMiB,
      taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.taskDefinition.addVolume({ name: 'tmp' });
    const container = this.taskDefinition.addContainer('App', {
      containerName: props.service,
      image: props.image,
      environment: props.environment,
      secrets: props.secrets,
      portMappings: [{ containerPort: props.containerPort, name: 'http' }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: props.service }),
      readonlyRootFilesystem: true,
      // ECS sends SIGTERM, waits stopTimeout, then SIGKILL: leave the app its SHUTDOWN_GRACE_MS (10 s).
      stopTimeout: Duration.seconds(30),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${props.containerPort}${HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
    });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });

    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: `${props.service} tasks: inbound from the ALB only; outbound HTTPS to AWS APIs, Cognito and the gateway JWKS`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(props.albSecurityGroup, ec2.Port.tcp(props.containerPort), 'from the ALB');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs, Cognito, CloudFront (JWKS)');

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: props.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(15),
      healthCheck: {
        path: HEALTH_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    const rules = new RouteRules(this, 'Routes', {
      service: props.service,
      listener: props.listener,
      targetGroup: this.targetGroup,
      originVerifyValue: props.originVerifyValue,
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.sizing.desiredCount,
      securityGroups: [securityGroup],
      vpcSubnets: { subnets: props.vpc.privateSubnets },
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
    });
    this.service.attachToApplicationTargetGroup(this.targetGroup);
    // ECS refuses a target group that no listener uses yet.
    for (const rule of rules.rules) this.service.node.addDependency(rule);

    const scaling = this.service.autoScaleTaskCount({ minCapacity: props.sizing.minCount, maxCapacity: props.sizing.maxCount });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.sizing.cpuTargetPercent,
      scaleInCooldown: Duration.seconds(120),
      scaleOutCooldown: Duration.seconds(60),
    });

    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Only non-secret configuration (URLs, ids, port, log level) is plain environment, with the variable names of libs/config; ' +
        'every secret (Cognito client secret, signing/encryption keys, cookie secret) is injected from Secrets Manager.',
    });
    // The execution role pulls the image from the CDK bootstrap ECR repository: ecr:GetAuthorizationToken has no resource-level permissions.
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken (execution role, image pull) supports only Resource "*" (AWS service authorization reference).',
    });
  }
}
