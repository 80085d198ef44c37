import { Stack, aws_ecs as ecs, aws_ssm as ssm } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { mcpServerTableAccess, parseMcpServerManifest, type McpServerManifest } from '@mcp-cognito/contracts';
import { mcpServerRoute } from '@mcp-cognito/routing';
import { mcpServerRegistryPath } from '../config/names';
import { TIMEOUTS } from '../config/timeouts';
import { appImage } from '../constructs/app-image';
import { McpFargateService } from '../constructs/mcp-fargate-service';
import { SharedInfrastructure } from '../constructs/shared-infrastructure';
import type { ServiceStackProps } from './gateway-stack';
import { SERVICE_PORTS } from './network-stack';

export interface McpServerStackProps extends ServiceStackProps {
  /** The server's manifest (`apps/<name>/mcp-server.json`, read by libs/contracts `readMcpServerManifests`). */
  manifest: McpServerManifest;
}

/** SSM standard-tier parameters hold at most 4 KB. */
const MAX_REGISTRATION_BYTES = 4096;

/** `mcp-tools` -> `McpTools`: the service construct's id (mcp-tools keeps the logical ids it had as the only server). */
const constructId = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());

/**
 * One MCP server on Fargate, deployable alone (`McpCognito-<Stage>-Tools` for the server at `/mcp`,
 * `McpCognito-<Stage>-Server-<name>` for the others; `cdk deploy <that stack> --exclusively`): its own listener rules
 * for its endpoint and its RFC 9728 §3.1 metadata path (libs/routing `mcpServerRoute`, priority derived from its name),
 * target group, CPU autoscaling and alarms, a task role with exactly the table prefixes libs/contracts `TABLE_ACCESS`
 * gives it (for a server that stores nothing, the revocation feed only, read-only), and its registration in the MCP server registry (an SSM parameter under
 * `/mcp-cognito/<stage>/mcp-servers/`) that the gateway reads at run time - so adding, changing or removing a server
 * touches no other stack.
 */
export class McpServerStack extends Stack {
  readonly service: McpFargateService;
  readonly registration: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: McpServerStackProps) {
    super(scope, id, props);
    const { config, manifest } = props;
    const shared = new SharedInfrastructure(this, 'Shared', { config });
    // Every server listens on the same port: each Fargate task has its own network interface (awsvpc), and the ALB's
    // security group already reaches it (network stack), so a new server needs no network change.
    const port = SERVICE_PORTS['mcp-tools'];
    const resource = `${shared.publicBaseUrl}${manifest.path}`;
    // Every server reads the table: at least the revocation feed (its gate refuses revoked tokens), read-only.
    const common = shared.commonEnvironment(port, config.logLevel);

    this.service = new McpFargateService(this, constructId(manifest.name), {
      service: manifest.name,
      image: props.image ?? appImage(manifest.name),
      containerPort: port,
      sizing: config.tools,
      routes: [mcpServerRoute(manifest)],
      // Variable names: libs/config mcp-server.config.ts / runtime.config.ts / cognito.config.ts.
      environment: {
        ...common,
        MCP_RESOURCE: resource,
        MCP_SCOPES: Object.keys(manifest.scopes).join(','),
        // The tool-call deadline: below CloudFront's origin read timeout (config/timeouts.ts), so a slow tool
        // ends as a JSON-RPC error from the server, not as a 504 from the edge.
        TOOL_CALL_TIMEOUT_MS: String(TIMEOUTS.toolCallMs),
        ...(config.allowedOrigins.length > 0 ? { ALLOWED_ORIGINS: config.allowedOrigins.join(',') } : {}),
      },
      secrets: {
        TOKEN_ENCRYPTION_KEYS: ecs.Secret.fromSecretsManager(shared.secret('tokenEncryptionKeys')),
      },
      alarms: { fiveXxPercent: config.alarms.fiveXxPercent, p99LatencyMs: config.alarms.p99LatencyMs.tools },
      tableAccess: mcpServerTableAccess(manifest.name),
      ...shared.serviceDefaults(),
    });

    // The registry entry (libs/contracts McpServerRegistration): the manifest and its canonical resource URL. The
    // public base URL is an SSM value resolved at deploy, so the JSON is assembled by CloudFormation (toJsonString).
    const declared = parseMcpServerManifest(manifest, manifest.name); // only the manifest's own fields
    const value = this.toJsonString({ ...declared, resource });
    const size = Buffer.byteLength(JSON.stringify({ ...declared, resource: `https://${'x'.repeat(253)}${manifest.path}` }));
    if (size > MAX_REGISTRATION_BYTES) throw new Error(`${manifest.name}: its registration (${size} bytes) exceeds an SSM parameter's 4 KB: shorten the scope descriptions`);
    this.registration = new ssm.StringParameter(this, 'Registration', {
      parameterName: `${mcpServerRegistryPath(config.stage)}${manifest.name}`,
      stringValue: value,
      description: `MCP server registry: ${manifest.name} (${manifest.path}), read by the gateway`,
    });
  }
}
