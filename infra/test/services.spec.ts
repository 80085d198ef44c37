import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { gatewayEnvSchema, mcpServerEnvSchema } from '@mcp-cognito/config';
import { pathsOf, ROUTES, type ServiceName } from '@mcp-cognito/routing';
import { KEY_PREFIXES, TABLE_ACCESS } from '@mcp-cognito/contracts';
import { alarmName, ssmName } from '../src/config/names';
import { TIMEOUTS } from '../src/config/timeouts';
import { MAX_PATHS_PER_RULE } from '../src/constructs/route-rules';
import { READ_ONLY_ACTIONS, READ_WRITE_ACTIONS, TABLE_KEY_ACTIONS, tableAccessStatements } from '../src/constructs/table-access';
import { actionsOf, buildTestApp, policyStatements, resourcesOf, statementsOf, type PolicyStatementJson } from './helpers';

type Rule = { Properties: { Priority: number; Conditions: Array<{ Field: string; PathPatternConfig?: { Values: string[] }; HttpHeaderConfig?: { Values: string[] } }>; Actions: Array<{ TargetGroupArn: unknown }> } };
type ContainerDef = { Environment?: Array<{ Name: string; Value: unknown }>; Secrets?: Array<{ Name: string; ValueFrom: unknown }> };

const SECRET_VARIABLES: Record<ServiceName, string[]> = {
  'auth-gateway': ['COGNITO_CLIENT_SECRET', 'GATEWAY_SIGNING_KEYS', 'TOKEN_ENCRYPTION_KEYS', 'STORAGE_ENCRYPTION_KEYS', 'COOKIE_SECRET', 'REFRESH_TOKEN_KEYS'],
  'mcp-tools': ['TOKEN_ENCRYPTION_KEYS'],
};

const SERVICES: ServiceName[] = ['auth-gateway', 'mcp-tools'];

describe('service stacks (auth-gateway, mcp-tools)', () => {
  const templates = {} as Record<ServiceName, Template>;
  const prodTemplates = {} as Record<ServiceName, Template>;

  let assemblyDir: string;
  const stackIds = {} as Record<ServiceName, string>;

  beforeAll(() => {
    const stacks = buildTestApp('dev');
    templates['auth-gateway'] = Template.fromStack(stacks.gateway);
    templates['mcp-tools'] = Template.fromStack(stacks.tools);
    assemblyDir = stacks.app.synth().directory;
    stackIds['auth-gateway'] = stacks.gateway.artifactId;
    stackIds['mcp-tools'] = stacks.tools.artifactId;
    const prod = buildTestApp('prod');
    prodTemplates['auth-gateway'] = Template.fromStack(prod.gateway);
    prodTemplates['mcp-tools'] = Template.fromStack(prod.tools);
  });

  const rulesOf = (service: ServiceName) => resourcesOf(templates[service], 'AWS::ElasticLoadBalancingV2::ListenerRule') as unknown as Array<[string, Rule]>;
  const containerOf = (service: ServiceName) =>
    (resourcesOf(templates[service], 'AWS::ECS::TaskDefinition')[0][1].Properties['ContainerDefinitions'] as ContainerDef[])[0];

  describe('ALB listener rules are generated from libs/routing (docs/architecture.md#topology)', () => {
    it.each(ROUTES.flatMap((r) => r.paths.map((p) => [p, r.service] as const)))('%s is forwarded by a rule of %s', (path, service) => {
      const owning = rulesOf(service as ServiceName).filter(([, r]) => r.Properties.Conditions.some((c) => c.PathPatternConfig?.Values.includes(path)));
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
        expect(values).toBeLessThanOrEqual(MAX_PATHS_PER_RULE);
        // Only CloudFront's VPC origin reaches the internal ALB: no shared-secret header condition.
        expect(rule.Properties.Conditions.map((c) => c.Field)).toEqual(['path-pattern']);
        expect(rule.Properties.Actions[0].TargetGroupArn).toEqual({ Ref: targetGroups[0][0] });
      }
    });

    it('health checks hit /health on each target group', () => {
      for (const service of ['auth-gateway', 'mcp-tools'] as const) {
        templates[service].hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health', TargetType: 'ip' });
      }
    });
  });

  describe('least-privilege task roles (libs/contracts TABLE_ACCESS -> dynamodb:LeadingKeys)', () => {
    const taskStatements = (service: ServiceName) => policyStatements(templates[service], /TaskRoleDefaultPolicy/);

    it.each(SERVICES)('%s: read-write items only under its own partition-key prefixes (ForAllValues:StringLike + key required)', (service) => {
      const [readWrite] = taskStatements(service).filter((s) => s.Sid === 'TableItemsReadWrite');
      expect(actionsOf(readWrite).sort()).toEqual([...READ_WRITE_ACTIONS].sort());
      expect(JSON.stringify(readWrite.Resource)).toMatch(/datatablearn/);
      expect(readWrite.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': TABLE_ACCESS[service].readWrite.map((p) => `${p}*`) },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      });
    });

    it('mcp-tools cannot reach the gateway\'s clients, sessions, codes, grants or rate counters; the gateway cannot reach user data', () => {
      const patterns = (service: ServiceName) =>
        taskStatements(service)
          .filter((s) => s.Condition?.['ForAllValues:StringLike'])
          .flatMap((s) => s.Condition!['ForAllValues:StringLike']['dynamodb:LeadingKeys'] as string[]);
      for (const p of [KEY_PREFIXES.client, KEY_PREFIXES.session, KEY_PREFIXES.code, KEY_PREFIXES.grant, KEY_PREFIXES.rate]) {
        expect(patterns('mcp-tools')).not.toContain(`${p}*`);
        expect(patterns('auth-gateway')).toContain(`${p}*`);
      }
      expect(patterns('auth-gateway')).not.toContain(`${KEY_PREFIXES.userData}*`);
      // Its own data read-write; the revocation feed read-only (docs/architecture.md#revocation).
      expect(patterns('mcp-tools')).toEqual([`${KEY_PREFIXES.userData}*`, `${KEY_PREFIXES.revocationFeed}*`]);
      const readOnly = taskStatements('mcp-tools').find((s) => s.Sid === 'TableItemsReadOnly')!;
      expect(actionsOf(readOnly)).toEqual([...READ_ONLY_ACTIONS]);
      expect(readOnly.Condition!['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toEqual([`${KEY_PREFIXES.revocationFeed}*`]);
    });

    it.each(SERVICES)('%s: every item action carries the LeadingKeys condition; only DescribeTable (the health check, no key) is unconditioned', (service) => {
      for (const s of taskStatements(service).filter((x) => actionsOf(x).some((a) => a.startsWith('dynamodb:')))) {
        if (s.Sid === 'TableHealth') {
          expect(actionsOf(s)).toEqual(['dynamodb:DescribeTable']);
          expect(s.Condition).toBeUndefined();
        } else {
          expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toBeDefined();
        }
      }
      for (const a of taskStatements(service).flatMap(actionsOf)) expect(a).not.toMatch(/Scan|Batch|PartiQL|\*/);
    });

    it.each(SERVICES)('%s: the table key only through DynamoDB (kms:ViaService dynamodb.<region>)', (service) => {
      const kms = taskStatements(service).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(actionsOf(kms[0])).toEqual([...TABLE_KEY_ACTIONS]);
      expect(JSON.stringify(kms[0].Resource)).toMatch(/datatablekeyarn/);
      expect(kms[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } });
    });

    it.each(SERVICES)('%s: the execution role has no KMS permission (secrets use the AWS-managed secretsmanager key)', (service) => {
      const exec = policyStatements(templates[service], /ExecutionRoleDefaultPolicy/).flatMap(actionsOf);
      expect(exec).toContain('secretsmanager:GetSecretValue');
      expect(exec.filter((a) => a.startsWith('kms:'))).toEqual([]);
    });

    it('follows libs/contracts without an infra edit: a prefix added there (e.g. a revocation feed mcp-tools reads) reaches the policy', () => {
      const feed = 'REVOKED#';
      const statements = tableAccessStatements(
        'mcp-tools',
        { tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/t', keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k', region: 'eu-west-1' },
        { readWrite: [KEY_PREFIXES.userData], readOnly: [feed as never] },
      ).map((s) => s.toStatementJson() as PolicyStatementJson);
      const readOnly = statements.find((s) => s.Sid === 'TableItemsReadOnly')!;
      expect(actionsOf(readOnly)).toEqual([...READ_ONLY_ACTIONS]);
      expect(readOnly.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${feed}*`] }, Null: { 'dynamodb:LeadingKeys': 'false' } });
      expect(statements.find((s) => s.Sid === 'TableItemsReadWrite')!.Condition!['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toEqual([`${KEY_PREFIXES.userData}*`]);
    });

    it.each(SERVICES)('%s: no IAM action is a wildcard; only ecr:GetAuthorizationToken has Resource "*"', (service) => {
      for (const statement of statementsOf(templates[service])) {
        const actions = actionsOf(statement);
        for (const action of actions) expect(action).not.toMatch(/\*/);
        if (statement.Resource === '*') expect(actions).toEqual(['ecr:GetAuthorizationToken']);
      }
    });

    it('execution roles read exactly their own secrets', () => {
      const readsOf = (service: ServiceName) =>
        statementsOf(templates[service])
          // (the gateway's task role also reads resource servers' introspection secrets: infra/test/mcp-servers.spec.ts)
          .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && s.Sid !== 'ResourceServerSecretsRead')
          .map((s) => JSON.stringify(s.Resource));
      expect(readsOf('auth-gateway')).toHaveLength(SECRET_VARIABLES['auth-gateway'].length);
      expect(readsOf('mcp-tools')).toEqual([expect.stringMatching(/tokenencryptionkeyssecretarn/)]);
    });

    it('prod has the same policies (both stages)', () => {
      for (const service of SERVICES) {
        const strip = (x: unknown) => JSON.stringify(x).replace(/Prod|prod|Dev|dev/g, '');
        expect(strip(policyStatements(prodTemplates[service], /TaskRoleDefaultPolicy/))).toEqual(strip(taskStatements(service)));
      }
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
      ['mcp-tools', Object.keys(mcpServerEnvSchema.shape)],
    ] as const)('%s: every variable is one libs/config reads', (service, accepted) => {
      const container = containerOf(service);
      const names = [...(container.Environment ?? []).map((e) => e.Name), ...(container.Secrets ?? []).map((s) => s.Name)];
      expect(names.filter((n) => !accepted.includes(n))).toEqual([]);
    });

    it('the drain and deadline variables agree with the timeout chain (config/timeouts.ts)', () => {
      for (const service of SERVICES) {
        const env = Object.fromEntries((containerOf(service).Environment ?? []).map((e) => [e.Name, e.Value]));
        expect([service, env['SHUTDOWN_GRACE_MS'], env['SHUTDOWN_ANNOUNCE_MS'], env['HTTP_KEEP_ALIVE_TIMEOUT_MS']]).toEqual([
          service,
          String(TIMEOUTS.shutdownGraceMs),
          String(TIMEOUTS.shutdownAnnounceMs),
          String(TIMEOUTS.serviceKeepAliveMs),
        ]);
        // ALB guidance: the target's keep-alive outlasts the load balancer's idle timeout (no 502 on reuse).
        expect(Number(env['HTTP_KEEP_ALIVE_TIMEOUT_MS'])).toBeGreaterThan(TIMEOUTS.albIdleMs);
      }
      const tools = Object.fromEntries((containerOf('mcp-tools').Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(tools['TOOL_CALL_TIMEOUT_MS']).toBe(String(TIMEOUTS.toolCallMs));
    });

    it('listens on 0.0.0.0, trusts CloudFront + ALB as proxies, issuer and resource on the public origin', () => {
      const env = Object.fromEntries((containerOf('auth-gateway').Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(env).toMatchObject({ HOST: '0.0.0.0', TRUST_PROXY_HOPS: '2', NODE_ENV: 'production', AWS_REGION: 'eu-west-1', PORT: '3000' });
      expect(JSON.stringify(env['GATEWAY_ISSUER'])).toMatch(/networkpublicbaseurl/);
      expect(env['MCP_SERVER_REGISTRY_PATH']).toBe('/mcp-cognito/dev/mcp-servers/');
      expect(env).not.toHaveProperty('MCP_RESOURCES');
      const tools = Object.fromEntries((containerOf('mcp-tools').Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(tools).toMatchObject({ HOST: '0.0.0.0', PORT: '3001' });
      expect(JSON.stringify(tools['MCP_RESOURCE'])).toMatch(/\/mcp"/);
    });
  });

  describe('runtime, draining and deployment safety', () => {
    it.each(SERVICES)('%s: ARM64 (Graviton) Linux tasks, from an image asset built for linux/arm64 out of its own Dockerfile', (service) => {
      templates[service].hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
      const manifest = JSON.parse(readFileSync(join(assemblyDir, `${stackIds[service]}.assets.json`), 'utf8')) as {
        dockerImages: Record<string, { source: { dockerFile: string; platform?: string } }>;
      };
      const images = Object.values(manifest.dockerImages);
      expect(images.map((i) => [i.source.dockerFile, i.source.platform])).toEqual([[`apps/${service}/Dockerfile`, 'linux/arm64']]);
    });

    it.each(SERVICES)('%s: deregistration delay >= shutdown grace < stopTimeout (drain before SIGTERM, SIGKILL after the grace)', (service) => {
      templates[service].hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: String(TIMEOUTS.deregistrationDelayMs / 1000) }]),
      });
      expect((containerOf(service) as { StopTimeout?: number }).StopTimeout).toBe(TIMEOUTS.stopTimeoutMs / 1000);
      expect(TIMEOUTS.deregistrationDelayMs).toBeGreaterThanOrEqual(TIMEOUTS.shutdownGraceMs);
      expect(TIMEOUTS.stopTimeoutMs).toBeGreaterThan(TIMEOUTS.shutdownGraceMs);
    });

    it.each(SERVICES)('%s: 5xx-rate, unhealthy-target and p99 alarms on its target group, notifying the stage topic', (service) => {
      const t = templates[service];
      for (const [name, metric] of [
        [`${service}-5xx-rate`, undefined],
        [`${service}-unhealthy-targets`, 'UnHealthyHostCount'],
        [`${service}-p99-latency`, 'TargetResponseTime'],
      ] as const) {
        t.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: alarmName('dev', name),
          AlarmActions: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':sns:'), Match.stringLikeRegexp(':mcp-cognito-dev-alarms')])] }],
          ...(metric ? { MetricName: metric, Dimensions: Match.arrayWith([Match.objectLike({ Name: 'LoadBalancer' }), Match.objectLike({ Name: 'TargetGroup' })]) } : {}),
        });
      }
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: alarmName('dev', `${service}-p99-latency`),
        ExtendedStatistic: 'p99',
      });
    });

    it.each(SERVICES)('%s: ECS deployment alarms (5xx rate, unhealthy targets) roll a bad release back, with the circuit breaker', (service) => {
      templates[service].hasResourceProperties('AWS::ECS::Service', {
        DeploymentConfiguration: Match.objectLike({
          Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('AlarmsFiveXxRate') }, { Ref: Match.stringLikeRegexp('AlarmsUnhealthyTargets') }], Enable: true, Rollback: true },
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        }),
      });
      const [[, svc]] = Object.entries(templates[service].findResources('AWS::ECS::Service')) as Array<[string, { DependsOn: string[] }]>;
      expect(svc.DependsOn.some((d) => /Alarms/.test(d))).toBe(true);
    });

    it.each([
      ['auth-gateway', 'gatewayTargetGroupFullName', 'gatewayEcsServiceName'],
      ['mcp-tools', 'toolsTargetGroupFullName', 'toolsEcsServiceName'],
    ] as const)('%s: publishes its target group and ECS service names for the dashboard', (service, tg, ecs) => {
      templates[service].hasResourceProperties('AWS::SSM::Parameter', { Name: ssmName('dev', tg), Value: { 'Fn::GetAtt': [Match.anyValue(), 'TargetGroupFullName'] } });
      templates[service].hasResourceProperties('AWS::SSM::Parameter', { Name: ssmName('dev', ecs), Value: { 'Fn::GetAtt': [Match.anyValue(), 'Name'] } });
    });
  });

  it.each(['auth-gateway', 'mcp-tools'] as const)('%s: CPU autoscaling, its own log group with retention, circuit breaker', (service) => {
    const t = templates[service];
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60, ScaleInCooldown: 120, ScaleOutCooldown: 60 },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MaximumPercent: 200, MinimumHealthyPercent: 100 }),
    });
  });

  it.each(['auth-gateway', 'mcp-tools'] as const)('%s: finds the shared stacks through SSM parameters, not CloudFormation exports', (service) => {
    const json = JSON.stringify(templates[service].toJSON());
    expect(json).not.toContain('Fn::ImportValue');
    const params = Object.values(templates[service].toJSON()['Parameters'] as Record<string, { Type: string; Default?: string }>);
    expect(params.filter((p) => p.Type === 'AWS::SSM::Parameter::Value<String>').length).toBeGreaterThan(5);
  });
});
