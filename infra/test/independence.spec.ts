import { Template } from 'aws-cdk-lib/assertions';
import { readMcpServerManifests, type McpServerManifest } from '@mcp-cognito/contracts';
import { workspaceRoot } from '../src/config/workspace';
import { buildTestApp } from './helpers';

type Templates = Record<string, Record<string, unknown>>;
const templatesOf = (stacks: ReturnType<typeof buildTestApp>): Templates => ({
  waf: Template.fromStack(stacks.waf).toJSON(),
  data: Template.fromStack(stacks.data).toJSON(),
  network: Template.fromStack(stacks.network).toJSON(),
  security: Template.fromStack(stacks.security).toJSON(),
  gateway: Template.fromStack(stacks.gateway).toJSON(),
  tools: Template.fromStack(stacks.tools).toJSON(),
  monitoring: Template.fromStack(stacks.monitoring).toJSON(),
});

/**
 * docs/architecture.md#topology: "one stack per service so that each team deploys its service alone". Changing the
 * gateway's inputs must leave the tools stack's template byte-for-byte the same (and so its
 * CloudFormation deploy a no-op), because the stacks share only SSM parameter names.
 */
describe('service stacks are independent', () => {
  let base: Templates;
  let changed: Templates;

  beforeAll(() => {
    const a = buildTestApp('dev');
    const b = buildTestApp('dev', {
      gateway: {
        config: {
          gateway: { cpu: 1024, memoryMiB: 2048, desiredCount: 3, minCount: 3, maxCount: 9, cpuTargetPercent: 40 },
          logLevel: 'trace',
          logRetentionDays: 90,
        },
      },
    });
    base = templatesOf(a);
    changed = templatesOf(b);
  });

  it('the gateway template reflects its changed inputs', () => {
    expect(changed['gateway']).not.toEqual(base['gateway']);
  });

  it('the tools template is deep-equal when only the gateway changed', () => {
    expect(changed['tools']).toEqual(base['tools']);
  });

  it('synthesis is deterministic: the same inputs give the same templates', () => {
    expect(templatesOf(buildTestApp('dev'))).toEqual(base);
  });
});

/**
 * docs/architecture.md#mcp-server-registry: adding an MCP server adds its own stack and changes no other - the gateway
 * reads the registry (SSM) at run time, the WAF's MCP exceptions are one generic pattern, listener-rule priorities come
 * from each server's own name, every image's build context excludes every other app.
 */
describe('adding (or removing) an MCP server changes no other stack', () => {
  const manifests = readMcpServerManifests(workspaceRoot());
  const first = manifests.filter((m) => m.path === '/mcp');
  // The second server is the real one (apps/clock, made with the generator): exactly the change "adding it" made.
  const second = manifests.find((m) => m.name === 'clock') as McpServerManifest;
  let one: ReturnType<typeof buildTestApp>;
  let two: ReturnType<typeof buildTestApp>;

  beforeAll(() => {
    one = buildTestApp('dev', { manifests: first });
    two = buildTestApp('dev', { manifests: [...first, second] });
  });

  it.each(['waf', 'data', 'network', 'security', 'gateway', 'tools', 'monitoring'])('the %s template is deep-equal with and without the second server', (part) => {
    expect(templatesOf(two)[part]).toEqual(templatesOf(one)[part]);
  });

  it('the second server is one more stack, McpCognito-Dev-Server-clock, with its own rule and registration', () => {
    expect(one.servers.map((s) => s.stackName)).toEqual(['McpCognito-Dev-Tools']);
    expect(two.servers.map((s) => s.stackName)).toEqual(['McpCognito-Dev-Tools', 'McpCognito-Dev-Server-clock']);
    const clock = Template.fromStack(two.servers[1] as (typeof two.servers)[number]);
    clock.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    clock.resourceCountIs('AWS::SSM::Parameter', 1);
  });

  it('every server of this workspace (clock included) has its own stack in the app', () => {
    const all = buildTestApp('dev');
    expect(all.servers.map((s) => s.stackName)).toEqual(manifests.map((m) => (m.path === '/mcp' ? 'McpCognito-Dev-Tools' : `McpCognito-Dev-Server-${m.name}`)));
    expect(all.servers.map((s) => s.stackName)).toContain('McpCognito-Dev-Server-clock');
  });
});
