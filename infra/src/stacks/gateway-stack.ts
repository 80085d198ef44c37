import { ArnFormat, Stack, Token, Validations, type StackProps, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { mcpServerRegistryPath, resourceServerSecretPrefix } from '../config/names';
import type { StageConfig } from '../config/stages';
import { appImage } from '../constructs/app-image';
import { McpFargateService } from '../constructs/mcp-fargate-service';
import { SharedInfrastructure } from '../constructs/shared-infrastructure';
import { SERVICE_PORTS } from './network-stack';

export interface ServiceStackProps extends StackProps {
  config: StageConfig;
  /** @default the app's Dockerfile as a Docker image asset (linux/arm64) */
  image?: ecs.ContainerImage;
}

/** auth-gateway on Fargate: deployable alone (`nx run infra:deploy-gateway`). */
export class GatewayStack extends Stack {
  readonly service: McpFargateService;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const shared = new SharedInfrastructure(this, 'Shared', { config });
    const port = SERVICE_PORTS['auth-gateway'];
    const secret = (key: Parameters<SharedInfrastructure['secret']>[0]) => ecs.Secret.fromSecretsManager(shared.secret(key));

    this.service = new McpFargateService(this, 'AuthGateway', {
      service: 'auth-gateway',
      image: props.image ?? appImage('auth-gateway'),
      containerPort: port,
      sizing: config.gateway,
      // Variable names: libs/config gateway.config.ts / runtime.config.ts / cognito.config.ts.
      environment: {
        ...shared.commonEnvironment(port, config.logLevel),
        // The MCP server registry: every server's own stack (mcp-tools' too) writes one parameter under this path; the
        // gateway reads them at run time (docs/architecture.md#mcp-server-registry), so a new server never changes
        // this stack. No MCP_RESOURCES: a static entry would duplicate mcp-tools' registry entry.
        MCP_SERVER_REGISTRY_PATH: mcpServerRegistryPath(config.stage),
        // RFC 7662 introspection: each resource server's own secret, read on first use (docs/introspection.md).
        RESOURCE_SERVER_CREDENTIALS_PREFIX: resourceServerSecretPrefix(config.stage),
        // The gateway's access tokens never outlive the Cognito token they embed.
        // Short (not revocable), and shorter than Cognito's token so that refreshes rarely call Cognito.
        ACCESS_TOKEN_TTL: String(Math.min(900, config.cognito.accessTokenValidity.toSeconds())),
        REFRESH_TOKEN_TTL: String(config.cognito.refreshTokenValidity.toSeconds()),
        // CloudFront + ALB each append to X-Forwarded-For.
        TRUST_PROXY_HOPS: '2',
        SECURE_COOKIES: 'true',
      },
      secrets: {
        COGNITO_CLIENT_SECRET: secret('cognitoClientSecret'),
        GATEWAY_SIGNING_KEYS: secret('gatewaySigningKeys'),
        TOKEN_ENCRYPTION_KEYS: secret('tokenEncryptionKeys'),
        STORAGE_ENCRYPTION_KEYS: secret('storageEncryptionKeys'),
        COOKIE_SECRET: secret('cookieSecret'),
        REFRESH_TOKEN_KEYS: secret('refreshTokenKeys'),
      },
      alarms: { fiveXxPercent: config.alarms.fiveXxPercent, p99LatencyMs: config.alarms.p99LatencyMs.gateway },
      ...shared.serviceDefaults(),
    });

    // Read access to exactly the registry path: GetParametersByPath names the path itself, GetParameter the
    // parameters under it (String parameters: no KMS key involved).
    const registry = mcpServerRegistryPath(config.stage).replace(/\/$/, '');
    const parameterArn = (name: string) => this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') });
    this.service.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'McpServerRegistryRead',
        actions: ['ssm:GetParametersByPath', 'ssm:GetParameter'],
        resources: [parameterArn(registry), parameterArn(`${registry}/*`)],
      }),
    );
    // cdk-nag names the resource as synthesized: literal region/account when the stage gives them, else the pseudo parameter.
    const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? pseudo : value);
    Validations.of(this.service.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:${literal(this.region, '<AWS::Region>')}:${literal(this.account, '<AWS::AccountId>')}:parameter${registry}/*]`,
      reason:
        'The MCP server registry: one parameter per server, added by each server\'s own stack without a gateway change; the wildcard is ' +
        'limited to the registry path of this stage, read-only.',
    });

    // Introspection callers' secrets: read-only, exactly this stage's prefix (Secrets Manager appends a random
    // suffix to each secret's ARN, hence the wildcard).
    const secretsPrefix = resourceServerSecretPrefix(config.stage);
    this.service.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResourceServerSecretsRead',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${secretsPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    Validations.of(this.service.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${literal(this.region, '<AWS::Region>')}:${literal(this.account, '<AWS::AccountId>')}:secret:${secretsPrefix}*]`,
      reason:
        'RFC 7662 introspection: one secret per resource server, created by that server\'s own stack without a gateway change; the ' +
        'wildcard is limited to this stage\'s resource-server prefix, read-only.',
    });
  }
}
