import { App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { assertDeployable } from './config/deployable';
import { stackName } from './config/names';
import { stageConfig, type StageConfig, type StageOverrides } from './config/stages';
import { assertTimeoutChain } from './config/timeouts';
import { DataStack } from './stacks/data-stack';
import { GatewayStack, type ServiceStackProps } from './stacks/gateway-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { NetworkStack } from './stacks/network-stack';
import { SecurityStack } from './stacks/security-stack';
import { ToolsStack } from './stacks/tools-stack';
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
  tools: ToolsStack;
  monitoring: MonitoringStack;
}

export interface BuildOptions {
  /** Per-service overrides (tests swap the image or change sizing). */
  gateway?: Partial<Omit<ServiceStackProps, 'config'>> & { config?: Partial<StageConfig> };
  tools?: Partial<Omit<ServiceStackProps, 'config'>> & { config?: Partial<StageConfig> };
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
  const common = (part: Parameters<typeof stackName>[1]) => ({
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
  const tools = new ToolsStack(app, stackName(config.stage, 'Tools'), {
    ...common('Tools'),
    env,
    ...options.tools,
    config: { ...config, ...options.tools?.config },
  });
  const monitoring = new MonitoringStack(app, stackName(config.stage, 'Monitoring'), { ...common('Monitoring'), env, config, wafRegion: WAF_REGION });
  return { config, waf, data, network, security, gateway, tools, monitoring };
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
