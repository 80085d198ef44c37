import { App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readMcpServerManifests, type McpServerManifest } from '@mcp-cognito/contracts';
import { buildRoutes } from '@mcp-cognito/routing';
import { assertDeployable } from './config/deployable';
import { mcpServerStackPart, stackName, type StackPart } from './config/names';
import { workspaceRoot } from './config/workspace';
import { stageConfig, type StageConfig, type StageOverrides } from './config/stages';
import { assertTimeoutChain } from './config/timeouts';
import { DataStack } from './stacks/data-stack';
import { GatewayStack, type ServiceStackProps } from './stacks/gateway-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { NetworkStack } from './stacks/network-stack';
import { McpServerStack } from './stacks/mcp-server-stack';
import { SecurityStack } from './stacks/security-stack';
import { WafStack } from './stacks/waf-stack';

/** CloudFront-scoped WebACLs (and the certificates CloudFront uses) must be in us-east-1. */
export const WAF_REGION = 'us-east-1';

export interface McpStacks {
  config: StageConfig;
  waf: WafStack;
  data: DataStack;
  network: NetworkStack;
  security: SecurityStack;
  gateway: GatewayStack;
  /** The stack of the MCP server at `/mcp` (mcp-tools). */
  tools: McpServerStack;
  /** One stack per MCP server manifest, `/mcp` first then by name (`tools` among them). */
  servers: McpServerStack[];
  monitoring: MonitoringStack;
}

export interface BuildOptions {
  /** Per-service overrides (tests swap the image or change sizing). */
  gateway?: Partial<Omit<ServiceStackProps, 'config'>> & { config?: Partial<StageConfig> };
  tools?: Partial<Omit<ServiceStackProps, 'config'>> & { config?: Partial<StageConfig> };
  /** Overrides of the other MCP servers' stacks, by server name. */
  servers?: Record<string, Partial<Omit<ServiceStackProps, 'config'>> & { config?: Partial<StageConfig> }>;
  /** @default every `apps/<name>/mcp-server.json` of the workspace (libs/contracts `readMcpServerManifests`) */
  manifests?: readonly McpServerManifest[];
  wafRefresh?: string;
}

/**
 * Every stack of one stage. Stacks are independent CloudFormation stacks that find each other
 * through SSM parameters; the only deploy-order constraints are the ones docs/deploy.md lists.
 * Refuses placeholder configuration ({@link assertDeployable}) and an inconsistent timeout chain.
 */
export function buildStacks(app: App, config: StageConfig, options: BuildOptions = {}): McpStacks {
  assertDeployable(config);
  assertTimeoutChain();
  const env: Environment = { account: config.account, region: config.region };
  const tags = { project: 'mcp-cognito', stage: config.stage };
  const common = (part: StackPart) => ({
    stackName: stackName(config.stage, part),
    tags,
    description: `mcp-cognito ${config.stage}: ${part.toLowerCase()}`,
  });

  const waf = new WafStack(app, stackName(config.stage, 'Waf'), {
    ...common('Waf'),
    env: { account: config.account, region: WAF_REGION },
    config,
  });
  const data = new DataStack(app, stackName(config.stage, 'Data'), { ...common('Data'), env, config });
  const network = new NetworkStack(app, stackName(config.stage, 'Network'), {
    ...common('Network'),
    env,
    config,
    wafRegion: WAF_REGION,
    wafRefresh: options.wafRefresh,
  });
  const security = new SecurityStack(app, stackName(config.stage, 'Security'), { ...common('Security'), env, config });
  const gateway = new GatewayStack(app, stackName(config.stage, 'Gateway'), {
    ...common('Gateway'),
    env,
    ...options.gateway,
    config: { ...config, ...options.gateway?.config },
  });
  // One stack per MCP server, from the manifests: adding a server adds its stack and changes no other.
  const manifests = options.manifests ?? readMcpServerManifests(workspaceRoot());
  buildRoutes(manifests); // refuses two servers claiming one path or one listener-rule priority, before any stack exists
  const servers = manifests.map((manifest) => {
    const part = mcpServerStackPart(manifest);
    const overrides = manifest.path === '/mcp' ? options.tools : options.servers?.[manifest.name];
    return new McpServerStack(app, stackName(config.stage, part), {
      ...common(part),
      env,
      ...overrides,
      manifest,
      config: { ...config, ...overrides?.config },
    });
  });
  const tools = servers[manifests.findIndex((m) => m.path === '/mcp')];
  if (!tools) throw new Error('no MCP server at /mcp (apps/*/mcp-server.json): the first server, mcp-tools, serves the root path');
  const monitoring = new MonitoringStack(app, stackName(config.stage, 'Monitoring'), { ...common('Monitoring'), env, config, wafRegion: WAF_REGION });
  return { config, waf, data, network, security, gateway, tools, servers, monitoring };
}

/** Reads the stage and overrides from CDK context (`-c stage=prod -c account=...`). */
export function configFromContext(app: App): { config: StageConfig; options: BuildOptions } {
  const ctx = (key: string): string | undefined => {
    const v = app.node.tryGetContext(key) as unknown;
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const overrides: StageOverrides = {
    account: ctx('account'),
    region: ctx('region'),
    domainName: ctx('domainName'),
    hostedZoneId: ctx('hostedZoneId'),
    hostedZoneName: ctx('hostedZoneName'),
    cognitoDomainPrefix: ctx('cognitoDomainPrefix'),
    alarmEmail: ctx('alarmEmail'),
    refreshTokenRotationGraceSeconds: ctx('refreshTokenRotationGraceSeconds') === undefined ? undefined : Number(ctx('refreshTokenRotationGraceSeconds')),
  };
  return {
    config: stageConfig(ctx('stage') ?? 'dev', overrides),
    options: { wafRefresh: ctx('wafRefresh') },
  };
}

/** cdk-nag's AWS Solutions pack on every synth: an unacknowledged finding fails the synth. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
