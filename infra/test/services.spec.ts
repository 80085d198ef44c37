import { Template } from 'aws-cdk-lib/assertions';
import { gatewayEnvSchema, toolsEnvSchema } from '@mcp-cognito/config';
import { pathsOf, ROUTES, type ServiceName } from '@mcp-cognito/routing';
import { MAX_PATHS_PER_RULE } from '../src/constructs/route-rules';
import { GATEWAY_TABLE_ACTIONS } from '../src/stacks/gateway-stack';
import { TOOLS_TABLE_ACTIONS } from '../src/stacks/tools-stack';
import { buildTestApp, resourcesOf, statementsOf } from './helpers';

type Rule = { Properties: { Priority: number; Conditions: Array<{ Field: string; PathPatternConfig?: { Values: string[] }; HttpHeaderConfig?: { Values: string[] } }>; Actions: Array<{ TargetGroupArn: unknown }> } };
type ContainerDef = { Environment?: Array<{ Name: string; Value: unknown }>; Secrets?: Array<{ Name: string; ValueFrom: unknown }> };

const SECRET_VARIABLES: Record<ServiceName, string[]> = {
  'auth-gateway': ['COGNITO_CLIENT_SECRET', 'GATEWAY_SIGNING_KEYS', 'TOKEN_ENCRYPTION_KEYS', 'STORAGE_ENCRYPTION_KEYS', 'COOKIE_SECRET'],
  'mcp-tools': ['TOKEN_ENCRYPTION_KEYS'],
};

describe('service stacks (auth-gateway, mcp-tools)', () => {
  const templates = {} as Record<ServiceName, Template>;

  beforeAll(() => {
    const stacks = buildTestApp('dev');
    templates['auth-gateway'] = Template.fromStack(stacks.gateway);
    templates['mcp-tools'] = Template.fromStack(stacks.tools);
  });

  const rulesOf = (service: ServiceName) => resourcesOf(templates[service], 'AWS::ElasticLoadBalancingV2::ListenerRule') as unknown as Array<[string, Rule]>;
  const containerOf = (service: ServiceName) =>
    (resourcesOf(templates[service], 'AWS::ECS::TaskDefinition')[0][1].Properties['ContainerDefinitions'] as ContainerDef[])[0];

  describe('ALB listener rules are generated from libs/routing (docs/architecture.md#topology)', () => {
    it.each(ROUTES.flatMap((r) => r.paths.map((p) => [p, r.service] as const)))('%s is forwarded by a rule of %s', (path, service) => {
      const owning = rulesOf(service).filter(([, r]) => r.Properties.Conditions.some((c) => c.PathPatternConfig?.Values.includes(path)));
      expect(owning).toHaveLength(1);
      const other: ServiceName = service === 'auth-gateway' ? 'mcp-tools' : 'auth-gateway';
      expect(rulesOf(other).some(([, r]) => r.Properties.Conditions.some((c) => c.PathPatternConfig?.Values.includes(path)))).toBe(false);
    });

    it.each(['auth-gateway', 'mcp-tools'] as const)('%s: rules stay within the ALB quota, have distinct priorities and forward to its own target group', (service) => {
      const rules = rulesOf(service);
      const priorities = rules.map(([, r]) => r.Properties.Priority);
      expect(new Set(priorities).size).toBe(priorities.length);
      expect(rules.flatMap(([, r]) => r.Properties.Conditions.flatMap((c) => c.PathPatternConfig?.Values ?? [])).sort()).toEqual([...pathsOf(service)].sort());
      const targetGroups = resourcesOf(templates[service], 'AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(targetGroups).toHaveLength(1);
      for (const [, rule] of rules) {
        const values = rule.Properties.Conditions.reduce((n, c) => n + (c.PathPatternConfig?.Values.length ?? 0) + (c.HttpHeaderConfig?.Values.length ?? 0), 0);
        expect(values).toBeLessThanOrEqual(MAX_PATHS_PER_RULE + 1);
        expect(rule.Properties.Conditions.some((c) => c.Field === 'http-header')).toBe(true);
        expect(rule.Properties.Actions[0].TargetGroupArn).toEqual({ Ref: targetGroups[0][0] });
      }
    });

    it('health checks hit /health on each target group', () => {
      for (const service of ['auth-gateway', 'mcp-tools'] as const) {
        templates[service].hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health', TargetType: 'ip' });
      }
    });
  });

  describe('least-privilege task roles', () => {
    it.each([
      ['auth-gateway', GATEWAY_TABLE_ACTIONS],
      ['mcp-tools', TOOLS_TABLE_ACTIONS],
    ] as const)('%s: only its table actions on the table ARN, only kms:Decrypt/Encrypt/GenerateDataKey on the table key', (service, actions) => {
      const taskPolicies = resourcesOf(templates[service], 'AWS::IAM::Policy').filter(([id]) => /TaskRoleDefaultPolicy/.test(id));
      expect(taskPolicies).toHaveLength(1);
      const statements = (taskPolicies[0][1].Properties['PolicyDocument'] as { Statement: Array<{ Action: string[]; Resource: unknown }> }).Statement;
      expect(statements).toHaveLength(2);
      expect(statements[0].Action).toEqual(actions);
      expect(JSON.stringify(statements[0].Resource)).toMatch(/datatablearn/);
      expect(statements[1].Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
      expect(JSON.stringify(statements[1].Resource)).toMatch(/datatablekeyarn/);
    });

    it('mcp-tools may not update items (the notes need none) and neither service may scan', () => {
      expect(TOOLS_TABLE_ACTIONS).not.toContain('dynamodb:UpdateItem');
      expect([...GATEWAY_TABLE_ACTIONS, ...TOOLS_TABLE_ACTIONS]).not.toContain('dynamodb:Scan');
    });

    it.each(['auth-gateway', 'mcp-tools'] as const)('%s: no IAM action is a wildcard; only ecr:GetAuthorizationToken has Resource "*"', (service) => {
      for (const statement of statementsOf(templates[service])) {
        const actions = ([] as string[]).concat(statement.Action);
        for (const action of actions) expect(action).not.toMatch(/\*/);
        if (statement.Resource === '*') expect(actions).toEqual(['ecr:GetAuthorizationToken']);
      }
    });

    it('execution roles read exactly their own secrets', () => {
      const readsOf = (service: ServiceName) =>
        statementsOf(templates[service])
          .filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue'))
          .map((s) => JSON.stringify(s.Resource));
      expect(readsOf('auth-gateway')).toHaveLength(5);
      expect(readsOf('mcp-tools')).toEqual([expect.stringMatching(/tokenencryptionkeyssecretarn/)]);
    });
  });

  describe('container environment', () => {
    it.each(['auth-gateway', 'mcp-tools'] as const)('%s: secrets come from Secrets Manager, never from the plain environment', (service) => {
      const container = containerOf(service);
      const env = (container.Environment ?? []).map((e) => e.Name);
      const secrets = (container.Secrets ?? []).map((s) => s.Name);
      expect(secrets.sort()).toEqual([...SECRET_VARIABLES[service]].sort());
      for (const name of env) expect(name).not.toMatch(/SECRET|_KEYS$|PASSWORD/);
      expect(env).not.toEqual(expect.arrayContaining(SECRET_VARIABLES[service]));
    });

    it.each([
      ['auth-gateway', Object.keys(gatewayEnvSchema.shape)],
      ['mcp-tools', Object.keys(toolsEnvSchema.shape)],
    ] as const)('%s: every variable is one libs/config reads', (service, accepted) => {
      const container = containerOf(service);
      const names = [...(container.Environment ?? []).map((e) => e.Name), ...(container.Secrets ?? []).map((s) => s.Name)];
      expect(names.filter((n) => !accepted.includes(n))).toEqual([]);
    });

    it('listens on 0.0.0.0, trusts CloudFront + ALB as proxies, issuer and resource on the public origin', () => {
      const env = Object.fromEntries((containerOf('auth-gateway').Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(env).toMatchObject({ HOST: '0.0.0.0', TRUST_PROXY_HOPS: '2', NODE_ENV: 'production', AWS_REGION: 'eu-west-1', PORT: '3000' });
      expect(JSON.stringify(env['GATEWAY_ISSUER'])).toMatch(/networkpublicbaseurl/);
      expect(JSON.stringify(env['MCP_RESOURCES'])).toMatch(/\/mcp"/);
      const tools = Object.fromEntries((containerOf('mcp-tools').Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(tools).toMatchObject({ HOST: '0.0.0.0', PORT: '3001' });
      expect(JSON.stringify(tools['MCP_RESOURCE'])).toMatch(/\/mcp"/);
    });
  });

  it.each(['auth-gateway', 'mcp-tools'] as const)('%s: CPU autoscaling, its own log group with retention, circuit breaker', (service) => {
    const t = templates[service];
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60, ScaleInCooldown: 120, ScaleOutCooldown: 60 },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    t.hasResourceProperties('AWS::ECS::Service', { DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MaximumPercent: 200, MinimumHealthyPercent: 100 } });
  });

  it.each(['auth-gateway', 'mcp-tools'] as const)('%s: finds the shared stacks through SSM parameters, not CloudFormation exports', (service) => {
    const json = JSON.stringify(templates[service].toJSON());
    expect(json).not.toContain('Fn::ImportValue');
    const params = Object.values(templates[service].toJSON()['Parameters'] as Record<string, { Type: string; Default?: string }>);
    expect(params.filter((p) => p.Type === 'AWS::SSM::Parameter::Value<String>').length).toBeGreaterThan(5);
  });
});
