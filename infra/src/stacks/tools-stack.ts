import { Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { appImage } from '../constructs/app-image';
import { McpFargateService } from '../constructs/mcp-fargate-service';
import { SharedInfrastructure } from '../constructs/shared-infrastructure';
import { TIMEOUTS } from '../config/timeouts';
import type { ServiceStackProps } from './gateway-stack';
import { SERVICE_PORTS } from './network-stack';

/** mcp-tools on Fargate: deployable alone (`nx run infra:deploy-tools`). */
export class ToolsStack extends Stack {
  readonly service: McpFargateService;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const shared = new SharedInfrastructure(this, 'Shared', { config });
    const port = SERVICE_PORTS['mcp-tools'];
    const base = shared.publicBaseUrl;

    this.service = new McpFargateService(this, 'McpTools', {
      service: 'mcp-tools',
      image: props.image ?? appImage('mcp-tools'),
      containerPort: port,
      sizing: config.tools,
      // Variable names: libs/config tools.config.ts / runtime.config.ts / cognito.config.ts.
      environment: {
        ...shared.commonEnvironment(port, config.logLevel),
        MCP_RESOURCE: `${base}/mcp`,
        // The tool-call deadline: below CloudFront's origin read timeout (config/timeouts.ts), so a slow tool
        // ends as a JSON-RPC error from mcp-tools, not as a 504 from the edge.
        TOOL_CALL_TIMEOUT_MS: String(TIMEOUTS.toolCallMs),
        ...(config.allowedOrigins.length > 0 ? { ALLOWED_ORIGINS: config.allowedOrigins.join(',') } : {}),
      },
      secrets: {
        TOKEN_ENCRYPTION_KEYS: ecs.Secret.fromSecretsManager(shared.secret('tokenEncryptionKeys')),
      },
      alarms: { fiveXxPercent: config.alarms.fiveXxPercent, p99LatencyMs: config.alarms.p99LatencyMs.tools },
      ...shared.serviceDefaults(),
    });
  }
}
