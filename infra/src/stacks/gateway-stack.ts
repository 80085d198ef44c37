import { Stack, type StackProps, aws_ecs as ecs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
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
    const base = shared.publicBaseUrl;
    const secret = (key: Parameters<SharedInfrastructure['secret']>[0]) => ecs.Secret.fromSecretsManager(shared.secret(key));

    this.service = new McpFargateService(this, 'AuthGateway', {
      service: 'auth-gateway',
      image: props.image ?? appImage('auth-gateway'),
      containerPort: port,
      sizing: config.gateway,
      // Variable names: libs/config gateway.config.ts / runtime.config.ts / cognito.config.ts.
      environment: {
        ...shared.commonEnvironment(port, config.logLevel),
        MCP_RESOURCES: `${base}/mcp`,
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
  }
}
