import {
  Duration,
  RemovalPolicy,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RouteRule, ServiceName } from '@mcp-cognito/routing';
import type { SsmKey } from '../config/names';
import type { ServiceSizing, StageName } from '../config/stages';
import { TIMEOUTS } from '../config/timeouts';
import { RouteRules } from './route-rules';
import { ServiceAlarms } from './service-alarms';
import { publishParameter } from './shared-parameters';
import type { TableAccess } from '@mcp-cognito/contracts';
import { tableAccessStatements, type TableAccessTarget } from './table-access';

/** What the gateway's and mcp-tools' stacks publish for the monitoring stack's dashboard (other servers: their own alarms). */
const PUBLISHED: Partial<Record<string, { targetGroup: SsmKey; ecsService: SsmKey }>> & Record<ServiceName, { targetGroup: SsmKey; ecsService: SsmKey }> = {
  'auth-gateway': { targetGroup: 'gatewayTargetGroupFullName', ecsService: 'gatewayEcsServiceName' },
  'mcp-tools': { targetGroup: 'toolsTargetGroupFullName', ecsService: 'toolsEcsServiceName' },
};

export interface McpFargateServiceProps {
  stage: StageName;
  /** `auth-gateway`, or an MCP server's manifest name (container name, log stream prefix, alarm names). */
  service: string;
  image: ecs.ContainerImage;
  containerPort: number;
  sizing: ServiceSizing;
  /** Plain configuration only: anything secret goes in {@link secrets}. */
  environment: Record<string, string>;
  /** Injected by the ECS agent from Secrets Manager at task start (read by the execution role). */
  secrets: Record<string, ecs.Secret>;
  /**
   * The single table; the item prefixes the service may touch come from libs/contracts `TABLE_ACCESS`. A service
   * without an entry there gets no table permission at all (MCP servers pass `tableAccess`: at least the revocation feed).
   */
  table: TableAccessTarget;
  /** The item prefixes on the table. @default libs/contracts `TABLE_ACCESS[service]` */
  tableAccess?: TableAccess;
  /** The service's listener-rule routes (libs/routing). @default libs/routing ROUTES */
  routes?: readonly RouteRule[];
  vpc: ec2.IVpc;
  cluster: ecs.ICluster;
  listener: elbv2.IApplicationListener;
  albSecurityGroup: ec2.ISecurityGroup;
  /** `app/<name>/<id>` of the shared ALB (alarm dimensions). */
  albFullName: string;
  /** Alarm thresholds of this service. */
  alarms: { fiveXxPercent: number; p99LatencyMs: number };
  /** Where the alarms notify (the stage's alarm topic). */
  alarmAction: cloudwatch.IAlarmAction;
  logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

/** Path of the health endpoint both services serve (process up + table reachable). */
export const HEALTH_PATH = '/health';

const SECRET_LIKE = /SECRET|KEYS?$|PASSWORD|TOKEN$/;

/**
 * One MCP service on Fargate (ARM64/Graviton) behind the shared ALB: task definition from the app's
 * Docker image, least-privilege task role (its own partition-key prefixes of the table, the table key
 * only via DynamoDB), secrets through Secrets Manager, its own log group (which also carries its EMF
 * metrics), target group, listener rules (from libs/routing), CPU autoscaling and alarms. Secure
 * defaults: private subnets, no public IP, read-only root filesystem (with a task-local /tmp), non-root
 * user from the image; deployments roll back on the circuit breaker and on the service's alarms.
 * Drain timing (deregistration delay, stopTimeout) follows config/timeouts.ts.
 */
export class McpFargateService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly logGroup: logs.LogGroup;
  readonly alarms: ServiceAlarms;
  /** The task's own role (what the application may do); stacks add what only they need (the gateway: the registry). */
  readonly taskRole: iam.Role;

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

    const taskRole = (this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `${props.service}: its own item prefixes of the table, the table key via DynamoDB; nothing else`,
    }));
    for (const statement of tableAccessStatements(props.service, props.table, props.tableAccess)) taskRole.addToPolicy(statement);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.sizing.cpu,
      memoryLimitMiB: props.sizing.memoryMiB,
      taskRole,
      // Graviton: ~20 % cheaper per vCPU-hour than x86 Fargate; the image asset is built for linux/arm64 (app-image.ts).
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
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
      // ECS sends SIGTERM (after the target drained), waits stopTimeout, then SIGKILL: above SHUTDOWN_GRACE_MS.
      stopTimeout: Duration.millis(TIMEOUTS.stopTimeoutMs),
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
      // In-flight requests (a tool call: up to its deadline) finish before ECS sends SIGTERM.
      deregistrationDelay: Duration.millis(TIMEOUTS.deregistrationDelayMs),
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
      routes: props.routes,
      listener: props.listener,
      targetGroup: this.targetGroup,
    });

    this.alarms = new ServiceAlarms(this, 'Alarms', {
      stage: props.stage,
      service: props.service,
      targetGroup: this.targetGroup,
      albFullName: props.albFullName,
      fiveXxPercent: props.alarms.fiveXxPercent,
      p99LatencyMs: props.alarms.p99LatencyMs,
      action: props.alarmAction,
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
      // A release that fails requests or health checks after it started is rolled back too.
      deploymentAlarms: {
        alarmNames: [this.alarms.fiveXxRate.alarmName, this.alarms.unhealthyTargets.alarmName],
        behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      },
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
    });
    this.service.attachToApplicationTargetGroup(this.targetGroup);
    // ECS refuses a target group that no listener uses yet, and deployment alarms that do not exist.
    for (const rule of rules.rules) this.service.node.addDependency(rule);
    this.service.node.addDependency(this.alarms);

    const scaling = this.service.autoScaleTaskCount({ minCapacity: props.sizing.minCount, maxCapacity: props.sizing.maxCount });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.sizing.cpuTargetPercent,
      scaleInCooldown: Duration.seconds(120),
      scaleOutCooldown: Duration.seconds(60),
    });

    const published = PUBLISHED[props.service];
    if (published) {
      publishParameter(this, props.stage, published.targetGroup, this.targetGroup.targetGroupFullName);
      publishParameter(this, props.stage, published.ecsService, this.service.serviceName);
    }

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
