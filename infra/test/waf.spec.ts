import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { readMcpServerManifests } from '@mcp-cognito/contracts';
import { buildRoutes, routeFor } from '@mcp-cognito/routing';
import { alarmName, ssmName } from '../src/config/names';
import { stageConfig, type StageName } from '../src/config/stages';
import { COMMON_RULE_EXCEPTIONS, CORE_RULE_SET_LABEL_PREFIX, MCP_ENDPOINT_REGEX, MCP_ENDPOINTS_AND_BELOW_REGEX, RATE_LIMIT_RULES } from '../src/config/waf-policy';
import { workspaceRoot } from '../src/config/workspace';
import { rateRuleName, reblockRuleName, wafLogGroupName, webAclMetricName } from '../src/stacks/waf-stack';
import { buildTestApp, PROD_OVERRIDES, resourcesOf } from './helpers';
import { coreLabelOf, evaluate, type WafRequest } from './waf-eval';

type Json = Record<string, unknown>;
const STAGES: StageName[] = ['dev', 'prod'];

const templates = {} as Record<StageName, { waf: Template; network: Template; region: string }>;
const rulesOf = (stage: StageName) => (resourcesOf(templates[stage].waf, 'AWS::WAFv2::WebACL')[0][1].Properties['Rules'] as Json[]);
const ruleNamed = (stage: StageName, name: string) => {
  const rule = rulesOf(stage).find((r) => r['Name'] === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return rule;
};

beforeAll(() => {
  for (const stage of STAGES) {
    const stacks = buildTestApp(stage);
    templates[stage] = { waf: Template.fromStack(stacks.waf), network: Template.fromStack(stacks.network), region: stacks.waf.region };
  }
});

describe.each(STAGES)('WAF stack (%s): managed protections kept', (stage) => {
  it('lives in us-east-1 (CLOUDFRONT-scoped WebACLs exist only there) and allows by default', () => {
    expect(templates[stage].region).toBe('us-east-1');
    templates[stage].waf.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it.each(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'])(
    'runs the AWS managed rule group %s without overriding the group to count',
    (group) => {
      const rule = rulesOf(stage).find((r) => (r['Statement'] as Json)['ManagedRuleGroupStatement'] && ((r['Statement'] as Json)['ManagedRuleGroupStatement'] as Json)['Name'] === group);
      expect(rule?.['OverrideAction']).toEqual({ None: {} });
    },
  );

  it('overrides to Count exactly the Core rules with a documented exception, nothing else', () => {
    const crs = ruleNamed(stage, 'AWSManagedRulesCommonRuleSet');
    const overrides = ((crs['Statement'] as Json)['ManagedRuleGroupStatement'] as Json)['RuleActionOverrides'] as Json[];
    expect(overrides.map((o) => o['Name']).sort()).toEqual(COMMON_RULE_EXCEPTIONS.map((e) => e.rule).sort());
    for (const o of overrides) expect(o['ActionToUse']).toEqual({ Count: {} });
  });
});

describe.each(STAGES)('WAF exceptions (%s): each counted rule blocks again everywhere but its exact method + path', (stage) => {
  it.each(COMMON_RULE_EXCEPTIONS.map((e) => [e.rule, e] as const))('%s', (_, exception) => {
    const rule = ruleNamed(stage, reblockRuleName(exception));
    expect(rule['Action']).toEqual({ Block: {} });
    // runs after the Core rule set (labels exist only for later rules)
    expect(rule['Priority']).toBeGreaterThan(ruleNamed(stage, 'AWSManagedRulesCommonRuleSet')['Priority'] as number);
    const [label, not] = ((rule['Statement'] as Json)['AndStatement'] as Json)['Statements'] as Json[];
    expect(label).toEqual({ LabelMatchStatement: { Scope: 'LABEL', Key: `${CORE_RULE_SET_LABEL_PREFIX}${exception.label}` } });
    expect(coreLabelOf(exception.rule)).toBe(`${CORE_RULE_SET_LABEL_PREFIX}${exception.label}`);
    const allowed = (not['NotStatement'] as Json)['Statement'] as Json;
    const locations = 'OrStatement' in allowed ? ((allowed['OrStatement'] as Json)['Statements'] as Json[]) : [allowed];
    const described = locations.map((l) => {
      const [methodStatement, pathStatement] = (l['AndStatement'] as Json)['Statements'] as Json[];
      const method = methodStatement['ByteMatchStatement'] as Json;
      expect(method['FieldToMatch']).toEqual({ Method: {} });
      expect(method['PositionalConstraint']).toBe('EXACTLY');
      if ('RegexMatchStatement' in pathStatement) {
        const regex = pathStatement['RegexMatchStatement'] as Json;
        expect(regex['FieldToMatch']).toEqual({ UriPath: {} });
        return `${String(method['SearchString'])} ~${String(regex['RegexString'])}`;
      }
      const path = pathStatement['ByteMatchStatement'] as Json;
      expect(path['FieldToMatch']).toEqual({ UriPath: {} });
      expect(path['PositionalConstraint']).toBe('EXACTLY');
      return `${String(method['SearchString'])} ${String(path['SearchString'])}`;
    });
    expect(described).toEqual(exception.allowOn.map((l) => `${l.method} ${l.regex ? `~${l.regex}` : l.path}`));
  });

  it('every exception location is an endpoint libs/routing serves (a renamed endpoint cannot leave a stale hole)', () => {
    for (const e of COMMON_RULE_EXCEPTIONS) for (const l of e.allowOn) expect([l.path, routeFor(l.path)]).toEqual([l.path, l.path === '/mcp' ? 'mcp-tools' : 'auth-gateway']);
  });

  it('the MCP endpoint pattern matches every server of the workspace and no gateway path or sub-path', () => {
    const routes = buildRoutes(readMcpServerManifests(workspaceRoot()));
    for (const m of readMcpServerManifests(workspaceRoot())) {
      expect(new RegExp(MCP_ENDPOINT_REGEX).test(m.path)).toBe(true);
      expect(routeFor(m.path, routes)).toBe(m.name);
    }
    for (const path of ['/mcp/', '/clock/mcp/x', '/a/b/mcp', '/token', '/consent', '/Clock/mcp', '/x/mcp', '/.well-known/oauth-protected-resource/clock/mcp']) {
      expect([path, new RegExp(MCP_ENDPOINT_REGEX).test(path)]).toEqual([path, false]);
    }
  });
});

/** Requests the README's clients really send, with the Core rules AWS documents them to trip (docs/waf.md). */
const LOOPBACK_QUERY = ['GenericRFI_QUERYARGUMENTS', 'EC2MetaDataSSRF_QUERYARGUMENTS'];
const LOOPBACK_BODY = ['GenericRFI_BODY', 'EC2MetaDataSSRF_BODY'];
const CLIENT_TRAFFIC: Array<[string, WafRequest]> = [
  ['Claude Code / VS Code: GET /authorize?redirect_uri=http://127.0.0.1:<port>/callback', { method: 'GET', path: '/authorize', coreRuleMatches: LOOPBACK_QUERY }],
  ['RFC 7591 registration with loopback redirect_uris (JSON)', { method: 'POST', path: '/register', coreRuleMatches: LOOPBACK_BODY }],
  ['the consent form post (redirect_uri field)', { method: 'POST', path: '/consent', coreRuleMatches: LOOPBACK_BODY }],
  ['POST /token with redirect_uri=http://localhost:<port>/ (form)', { method: 'POST', path: '/token', coreRuleMatches: LOOPBACK_BODY }],
  ['a tool call whose arguments hold a URL, a path, markup, 20 KB', { method: 'POST', path: '/mcp', coreRuleMatches: [...LOOPBACK_BODY, 'GenericLFI_BODY', 'CrossSiteScripting_BODY', 'SizeRestrictions_BODY'] }],
  ['an ordinary refresh (no rule matches)', { method: 'POST', path: '/token' }],
  ['the protected resource metadata', { method: 'GET', path: '/.well-known/oauth-protected-resource/mcp' }],
  ['a tool call to a second server (/clock/mcp): the same generic exceptions, no WAF edit', { method: 'POST', path: '/clock/mcp', coreRuleMatches: [...LOOPBACK_BODY, 'GenericLFI_BODY', 'CrossSiteScripting_BODY', 'SizeRestrictions_BODY'] }],
  ['the second server\'s metadata', { method: 'GET', path: '/.well-known/oauth-protected-resource/clock/mcp' }],
];
const STILL_BLOCKED: Array<[string, WafRequest]> = [
  ['an RFI query on /callback', { method: 'GET', path: '/callback', coreRuleMatches: ['GenericRFI_QUERYARGUMENTS'] }],
  ['an SSRF query on /mcp (only bodies are excepted there)', { method: 'GET', path: '/mcp', coreRuleMatches: ['EC2MetaDataSSRF_QUERYARGUMENTS'] }],
  ['an RFI body on /revoke', { method: 'POST', path: '/revoke', coreRuleMatches: ['GenericRFI_BODY'] }],
  ['XSS in a registration body', { method: 'POST', path: '/register', coreRuleMatches: ['CrossSiteScripting_BODY'] }],
  ['a 9 KB token request', { method: 'POST', path: '/token', coreRuleMatches: ['SizeRestrictions_BODY'] }],
  ['path traversal in a consent body', { method: 'POST', path: '/consent', coreRuleMatches: ['GenericLFI_BODY'] }],
  ['a tool-call body on /mcp/ (exceptions match the exact path)', { method: 'POST', path: '/mcp/', coreRuleMatches: ['CrossSiteScripting_BODY'] }],
  ['XSS in a body posted under a server path (/clock/mcp/x)', { method: 'POST', path: '/clock/mcp/x', coreRuleMatches: ['CrossSiteScripting_BODY'] }],
  ['an RFI body posted to a two-segment path ending in /mcp', { method: 'POST', path: '/a/b/mcp', coreRuleMatches: ['GenericRFI_BODY'] }],
  ['a loopback redirect_uri in the query of GET /token (wrong method)', { method: 'GET', path: '/token', coreRuleMatches: ['GenericRFI_QUERYARGUMENTS'] }],
  ['an RFI in the query of /authorize sent as POST', { method: 'POST', path: '/authorize', coreRuleMatches: ['GenericRFI_QUERYARGUMENTS'] }],
  ['XSS in the query of /authorize (never counted)', { method: 'GET', path: '/authorize', coreRuleMatches: ['CrossSiteScripting_QUERYARGUMENTS'] }],
  ['an RFI in the URI path (never counted)', { method: 'GET', path: '/mcp', coreRuleMatches: ['GenericRFI_URIPATH'] }],
];

describe.each(STAGES)('what the WebACL (%s) lets through (evaluated from the template)', (stage) => {
  it.each(CLIENT_TRAFFIC)('allows %s', (_, request) => {
    expect(evaluate(rulesOf(stage), request)).toMatchObject({ action: 'ALLOW', by: 'default' });
  });
  it.each(STILL_BLOCKED)('blocks %s', (_, request) => {
    expect(evaluate(rulesOf(stage), request).action).toBe('BLOCK');
  });
});

describe.each(STAGES)('WAF rate limits (%s)', (stage) => {
  const limits = () => stageConfig(stage, stage === 'prod' ? PROD_OVERRIDES : {}).rateLimits;

  it('covers every abusable public endpoint', () => {
    expect([...new Set(RATE_LIMIT_RULES.map((r) => r.path))].sort()).toEqual(['/account', '/authorize', '/callback', '/consent', '/mcp', '/register', '/revoke', '/token']);
  });

  it.each(RATE_LIMIT_RULES.map((r) => [rateRuleName(r), r] as const))('%s: blocks with 429 over the stage limit, scoped to its path, before the managed rules', (name, r) => {
    const rule = ruleNamed(stage, name);
    expect(rule['Action']).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' } } });
    const rate = (rule['Statement'] as Json)['RateBasedStatement'] as Json;
    expect(rate['Limit']).toBe(limits()[r.name]);
    expect(rate['Limit']).toBeGreaterThanOrEqual(10); // WAF's minimum
    expect(rate['EvaluationWindowSec']).toBe(300);
    expect(rate['ScopeDownStatement']).toEqual(
      r.match === 'MCP_ENDPOINTS'
        ? { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: MCP_ENDPOINTS_AND_BELOW_REGEX, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }
        : { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: r.match, SearchString: r.path, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
    );
    if (r.key === 'IP') expect(rate['AggregateKeyType']).toBe('IP');
    expect(rule['Priority']).toBeLessThan(ruleNamed(stage, 'AWSManagedRulesCommonRuleSet')['Priority'] as number);
  });

  it('the MCP limits count every server\'s endpoint (/mcp, /<name>/mcp and below), nothing of the gateway', () => {
    const re = new RegExp(MCP_ENDPOINTS_AND_BELOW_REGEX);
    for (const path of ['/mcp', '/mcp/', '/clock/mcp', '/clock/mcp/x']) expect([path, re.test(path)]).toEqual([path, true]);
    for (const path of ['/token', '/mcpx', '/clock/mcpx', '/.well-known/oauth-protected-resource/mcp']) expect([path, re.test(path)]).toEqual([path, false]);
  });

  it('/mcp is limited per bearer token (Authorization header value) and, higher, per IP', () => {
    const perToken = (ruleNamed(stage, 'rate-mcpPerToken')['Statement'] as Json)['RateBasedStatement'] as Json;
    expect(perToken['AggregateKeyType']).toBe('CUSTOM_KEYS');
    expect(perToken['CustomKeys']).toEqual([{ Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }]);
    expect(limits().mcpPerIp).toBeGreaterThan(limits().mcpPerToken);
  });

  it('the 429 body is JSON a client can read', () => {
    templates[stage].waf.hasResourceProperties('AWS::WAFv2::WebACL', {
      CustomResponseBodies: { 'rate-limited': { ContentType: 'APPLICATION_JSON', Content: Match.stringLikeRegexp('"error":"rate_limited"') } },
    });
  });
});

describe.each(STAGES)('WAF logging (%s): secrets redacted', (stage) => {
  it('logs to a CloudWatch log group named aws-waf-logs-* (WAF requires the prefix), ARN without ":*"', () => {
    templates[stage].waf.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: wafLogGroupName(stage) });
    const [[, logging]] = resourcesOf(templates[stage].waf, 'AWS::WAFv2::LoggingConfiguration');
    const destination = JSON.stringify(logging.Properties['LogDestinationConfigs']);
    expect(destination).toContain(`log-group:${wafLogGroupName(stage)}`);
    expect(destination).not.toContain(':*');
    expect(wafLogGroupName(stage)).toMatch(/^aws-waf-logs-/);
  });

  it('redacts the Authorization and Cookie headers and the query string (codes, states)', () => {
    templates[stage].waf.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }, { QueryString: {} }],
    });
  });

  it('keeps blocked and counted requests, drops the rest (CloudFront logs every request)', () => {
    const [[, logging]] = resourcesOf(templates[stage].waf, 'AWS::WAFv2::LoggingConfiguration');
    const filter = logging.Properties['LoggingFilter'] as Json;
    expect(filter['DefaultBehavior']).toBe('DROP');
    const conditions = ((filter['Filters'] as Json[])[0]['Conditions'] as Json[]).map((c) => (c['ActionCondition'] as Json)['Action']);
    expect(conditions).toEqual(['BLOCK', 'COUNT', 'EXCLUDED_AS_COUNT']);
  });
});

describe.each(STAGES)('WAF stack outputs (%s)', (stage) => {
  it('publishes the WebACL ARN in an SSM parameter of us-east-1; the network stack reads it back (custom resource) for the distribution', () => {
    templates[stage].waf.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmName(stage, 'webAclArn'),
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
    });
    const readers = Object.entries(templates[stage].network.findResources('Custom::CrossRegionParameter')) as Array<[string, { Properties: { Create: string } }]>;
    const [readerId] = readers.find(([, r]) => r.Properties.Create.includes(ssmName(stage, 'webAclArn')))!;
    templates[stage].network.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [readerId, 'Parameter.Value'] } }),
    });
  });

  it('alarms on blocked requests (WebACL metric, all rules) to the us-east-1 alarm topic', () => {
    templates[stage].waf.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName(stage, 'waf-blocked-requests'),
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Dimensions: Match.arrayWith([{ Name: 'WebACL', Value: webAclMetricName(stage) }]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmsTopic') }],
    });
    templates[stage].waf.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: Match.arrayWith([{ Name: 'Rule', Value: 'ALL' }]) });
    templates[stage].waf.hasResourceProperties('AWS::WAFv2::WebACL', { VisibilityConfig: Match.objectLike({ MetricName: webAclMetricName(stage) }) });
  });
});

describe('the CloudFront certificate of a custom domain', () => {
  it('prod: DNS-validated in its hosted zone, in us-east-1, published for the network stack', () => {
    templates.prod.waf.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: PROD_OVERRIDES.domainName,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: PROD_OVERRIDES.domainName, HostedZoneId: PROD_OVERRIDES.hostedZoneId }],
    });
    templates.prod.waf.hasResourceProperties('AWS::SSM::Parameter', { Name: ssmName('prod', 'cloudFrontCertificateArn') });
  });

  it('dev without a domain: none', () => {
    templates.dev.waf.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });
});

describe('docs/waf.md', () => {
  const doc = readFileSync(join(workspaceRoot(), 'docs/waf.md'), 'utf8');
  it.each([...COMMON_RULE_EXCEPTIONS.map((e) => e.rule), ...COMMON_RULE_EXCEPTIONS.map(reblockRuleName), ...RATE_LIMIT_RULES.map(rateRuleName)])(
    'documents %s',
    (name) => {
      expect(doc).toContain(name);
    },
  );
});
