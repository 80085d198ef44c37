import { Template } from 'aws-cdk-lib/assertions';
import { KEY_PREFIXES, parseMcpServerRegistration, readMcpServerManifests } from '@mcp-cognito/contracts';
import { mcpServerPaths, mcpServerPriority } from '@mcp-cognito/routing';
import { mcpServerRegistryPath } from '../src/config/names';
import { workspaceRoot } from '../src/config/workspace';
import { actionsOf, buildTestApp, resourcesOf, statementsOf } from './helpers';

type Json = Record<string, unknown>;
/** The one element `xs` must have (a failed expectation otherwise, not a non-null assertion). */
function only<T>(xs: readonly T[] | undefined): T {
  if (!xs || xs.length < 1) throw new Error('expected an element, found none');
  return xs[0] as T;
}
const clockManifest = readMcpServerManifests(workspaceRoot()).find((m) => m.name === 'clock');

/** One service stack per manifest (infra/src/stacks/mcp-server-stack.ts), and the gateway's side of the registry. */
describe('MCP server stacks (one per apps/*/mcp-server.json) and the registry', () => {
  let stacks: ReturnType<typeof buildTestApp>;
  let clock: Template;
  let gateway: Template;

  beforeAll(() => {
    stacks = buildTestApp('dev');
    const stack = stacks.servers.find((s) => s.stackName === 'McpCognito-Dev-Server-clock');
    if (!stack || !clockManifest) throw new Error('the clock server (apps/clock) has no stack');
    clock = Template.fromStack(stack);
    gateway = Template.fromStack(stacks.gateway);
  });

  const envOf = (template: Template) =>
    Object.fromEntries(
      (only(only(resourcesOf(template, 'AWS::ECS::TaskDefinition'))[1].Properties['ContainerDefinitions'] as Json[])['Environment'] as Array<{ Name: string; Value: unknown }>).map((e) => [
        e.Name,
        e.Value,
      ]),
    );

  it('clock: its listener rule forwards exactly /clock/mcp, /clock/mcp/* and its RFC 9728 §3.1 metadata path, at its name-derived priority', () => {
    const rules = resourcesOf(clock, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(rules).toHaveLength(1);
    const rule = only(rules)[1].Properties as { Priority: number; Conditions: Array<{ PathPatternConfig: { Values: string[] } }> };
    expect(only(rule.Conditions).PathPatternConfig.Values).toEqual(['/clock/mcp', '/clock/mcp/*', '/.well-known/oauth-protected-resource/clock/mcp']);
    expect(rule.Priority).toBe(mcpServerPriority({ name: 'clock', path: '/clock/mcp' }));
    expect(mcpServerPaths({ name: 'clock', path: '/clock/mcp' })).toEqual(only(rule.Conditions).PathPatternConfig.Values);
  });

  it('clock stores nothing: its task role may only read the revocation feed (every MCP server refuses revoked tokens)', () => {
    const statements = statementsOf(clock);
    const items = statements.filter((s) => s.Sid === 'TableItemsReadOnly');
    expect(actionsOf(only(items)).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(JSON.stringify(only(items).Condition)).toContain(`"${KEY_PREFIXES.revocationFeed}*"`);
    expect(statements.filter((s) => s.Sid === 'TableItemsReadWrite')).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:') && !['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'].includes(a))).toEqual([]);
    expect(envOf(clock)).toHaveProperty('DYNAMODB_TABLE');
  });

  it('clock: MCP_RESOURCE is <public origin>/clock/mcp and MCP_SCOPES its manifest scopes', () => {
    const env = envOf(clock);
    expect(JSON.stringify(env['MCP_RESOURCE'])).toMatch(/\/clock\/mcp"/);
    expect(env['MCP_SCOPES']).toBe('clock/read');
  });

  it('each server publishes its registration under /mcp-cognito/<stage>/mcp-servers/<name>: the manifest and its resource URL', () => {
    const [[, parameter]] = resourcesOf(clock, 'AWS::SSM::Parameter');
    expect(parameter.Properties['Name']).toBe(`${mcpServerRegistryPath('dev')}clock`);
    expect(parameter.Properties['Type']).toBe('String');
    // The value is assembled by CloudFormation (the base URL is an SSM value): resolve it with an example origin.
    const join = (parameter.Properties['Value'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const value = join[1].map((part) => (typeof part === 'string' ? part : 'https://d111.cloudfront.net')).join(join[0]);
    const declared = { name: clockManifest?.name, title: clockManifest?.title, path: clockManifest?.path, scopes: clockManifest?.scopes };
    expect(JSON.parse(value)).toEqual({ ...declared, resource: 'https://d111.cloudfront.net/clock/mcp' });
    expect(parseMcpServerRegistration(JSON.parse(value)).resource).toBe('https://d111.cloudfront.net/clock/mcp');
    Template.fromStack(stacks.tools).hasResourceProperties('AWS::SSM::Parameter', { Name: `${mcpServerRegistryPath('dev')}mcp-tools` });
  });

  it('the gateway reads the registry path and only it (least privilege), named in MCP_SERVER_REGISTRY_PATH', () => {
    expect(envOf(gateway)['MCP_SERVER_REGISTRY_PATH']).toBe('/mcp-cognito/dev/mcp-servers/');
    const registry = statementsOf(gateway).filter((s) => s.Sid === 'McpServerRegistryRead');
    expect(registry).toHaveLength(1);
    expect(actionsOf(only(registry)).sort()).toEqual(['ssm:GetParameter', 'ssm:GetParametersByPath']);
    const resources = JSON.stringify(only(registry).Resource);
    expect(resources).toContain(':parameter/mcp-cognito/dev/mcp-servers"');
    expect(resources).toContain(':parameter/mcp-cognito/dev/mcp-servers/*"');
    expect(statementsOf(gateway).flatMap(actionsOf).filter((a) => a.startsWith('ssm:'))).toHaveLength(2);
  });

  it('the gateway may read the resource servers\' introspection secrets under its prefix only, named in RESOURCE_SERVER_CREDENTIALS_PREFIX', () => {
    expect(envOf(gateway)['RESOURCE_SERVER_CREDENTIALS_PREFIX']).toBe('mcp-cognito/dev/resource-servers/');
    const read = statementsOf(gateway).filter((s) => s.Sid === 'ResourceServerSecretsRead');
    expect(actionsOf(only(read))).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(only(read).Resource)).toContain(':secret:mcp-cognito/dev/resource-servers/*"');
  });
});
