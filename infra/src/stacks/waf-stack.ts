import {
  ArnFormat,
  Duration,
  Stack,
  type StackProps,
  aws_certificatemanager as acm,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as actions,
  aws_logs as logs,
  aws_route53 as route53,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { alarmName } from '../config/names';
import type { StageConfig } from '../config/stages';
import {
  COMMON_RULE_EXCEPTIONS,
  CORE_RULE_SET_LABEL_PREFIX,
  MCP_ENDPOINTS_AND_BELOW_REGEX,
  RATE_LIMIT_RULES,
  type AllowedLocation,
  type CommonRuleException,
  type RateLimitRule,
} from '../config/waf-policy';
import { AlarmTopic } from '../constructs/alarm-topic';
import { publishParameter } from '../constructs/shared-parameters';

export interface WafStackProps extends StackProps {
  config: StageConfig;
}

type Statement = wafv2.CfnWebACL.StatementProperty;
type Rule = wafv2.CfnWebACL.RuleProperty;

/** Priorities: IP reputation first (cheapest), then the rate limits, then the managed sets, then the re-blocks (which read their labels). */
const PRIORITY = { ipReputation: 0, rateBase: 10, common: 30, knownBadInputs: 31, reblockBase: 40 } as const;

/** The name WAF's CloudWatch metrics use for the whole WebACL (`WebACL` dimension). */
export const webAclMetricName = (stage: string) => `mcp-${stage}-webacl`;

/** `aws-waf-logs-` is the prefix WAF requires of a CloudWatch Logs destination. */
export const wafLogGroupName = (stage: string) => `aws-waf-logs-mcp-cognito-${stage}`;

const NONE = [{ priority: 0, type: 'NONE' }];

function pathIs(path: string, match: 'EXACTLY' | 'STARTS_WITH' = 'EXACTLY'): Statement {
  return { byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: match, searchString: path, textTransformations: NONE } };
}

function methodIs(method: string): Statement {
  return { byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: method, textTransformations: NONE } };
}

/** The whole URI path matches `regex` (WAF RegexMatchStatement: the regex itself carries the anchors). */
function pathMatchesRegex(regex: string): Statement {
  return { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: regex, textTransformations: NONE } };
}

function at(location: AllowedLocation): Statement {
  return { andStatement: { statements: [methodIs(location.method), location.regex ? pathMatchesRegex(location.regex) : pathIs(location.path)] } };
}

/** Blocks what the counted managed rule matched, except at its exact method + path locations. */
function reblockStatement(exception: CommonRuleException): Statement {
  const labelled: Statement = { labelMatchStatement: { scope: 'LABEL', key: `${CORE_RULE_SET_LABEL_PREFIX}${exception.label}` } };
  const locations = exception.allowOn.map(at);
  const allowed = locations.length === 1 ? locations[0] : { orStatement: { statements: locations } };
  return { andStatement: { statements: [labelled, { notStatement: { statement: allowed } }] } };
}

function rateStatement(rule: RateLimitRule, limit: number): Statement {
  const key =
    rule.key === 'IP'
      ? { aggregateKeyType: 'IP' }
      : // Requests without the header are not counted by this rule; the per-IP rule of the same path covers them.
        { aggregateKeyType: 'CUSTOM_KEYS', customKeys: [{ header: { name: 'authorization', textTransformations: NONE } }] };
  const scope = rule.match === 'MCP_ENDPOINTS' ? pathMatchesRegex(MCP_ENDPOINTS_AND_BELOW_REGEX) : pathIs(rule.path, rule.match);
  return { rateBasedStatement: { limit, evaluationWindowSec: 300, ...key, scopeDownStatement: scope } };
}

/** Rule name of a rate limit: `rate-<name>`. */
export const rateRuleName = (rule: RateLimitRule) => `rate-${rule.name}`;
/** Rule name of a re-block: `reblock-<label>`. */
export const reblockRuleName = (exception: CommonRuleException) => `reblock-${exception.label}`;

/**
 * The us-east-1 stack of a stage (CloudFront reads WebACLs and certificates only there): the WebACL
 * (docs/waf.md: managed protections, the exact exceptions MCP and OAuth traffic needs, per-endpoint rate
 * limits), its logging with secrets redacted, the WAF alarm and its topic, and - with a custom domain - the
 * CloudFront certificate. Its outputs reach the network stack through us-east-1 SSM parameters read by a
 * custom resource (CrossRegionParameter), not through cross-region references.
 */
export class WafStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;
  readonly blockedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    const { config } = props;
    const metric = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `mcp-${config.stage}-${name}`,
    });
    const managed = (name: string, priority: number, overrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]): Rule => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides: overrides } },
      visibilityConfig: metric(name),
    });

    const rules: Rule[] = [
      managed('AWSManagedRulesAmazonIpReputationList', PRIORITY.ipReputation),
      ...RATE_LIMIT_RULES.map((rule, i) => ({
        name: rateRuleName(rule),
        priority: PRIORITY.rateBase + i,
        action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate-limited' } } },
        statement: rateStatement(rule, config.rateLimits[rule.name]),
        visibilityConfig: metric(rateRuleName(rule)),
      })),
      // The rules that misfire on MCP/OAuth traffic count here (adding their label) and are blocked again
      // by the re-block rules below everywhere but their exact exception locations.
      managed(
        'AWSManagedRulesCommonRuleSet',
        PRIORITY.common,
        COMMON_RULE_EXCEPTIONS.map((e) => ({ name: e.rule, actionToUse: { count: {} } })),
      ),
      managed('AWSManagedRulesKnownBadInputsRuleSet', PRIORITY.knownBadInputs),
      ...COMMON_RULE_EXCEPTIONS.map((exception, i) => ({
        name: reblockRuleName(exception),
        priority: PRIORITY.reblockBase + i,
        action: { block: {} },
        statement: reblockStatement(exception),
        visibilityConfig: metric(reblockRuleName(exception)),
      })),
    ];

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `mcp-cognito-${config.stage}`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      customResponseBodies: {
        'rate-limited': {
          contentType: 'APPLICATION_JSON',
          content: '{"error":"rate_limited","error_description":"Too many requests from this client; retry after a few minutes."}',
        },
      },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: webAclMetricName(config.stage) },
    });
    publishParameter(this, config.stage, 'webAclArn', this.webAcl.attrArn);

    // ---- logging: blocked and counted requests, with bearer tokens, cookies and query strings redacted ----
    this.logGroup = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: wafLogGroupName(config.stage),
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: config.removalPolicy,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the ":*" suffix CDK's logGroupArn carries.
      logDestinationConfigs: [
        this.formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogGroupName(config.stage), arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      // Authorization (bearer tokens), Cookie (consent and CSRF cookies) and the query string (codes,
      // states, redirect URIs at /callback and /authorize) never reach the log (REDACTED).
      // singleHeader is an untyped (JSON) property in the L1: CloudFormation's own casing.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }, { queryString: {} }],
      // Only what a rule acted on: blocks, and the counted matches the exceptions let through. CloudFront's
      // access log already has every request.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [
              { ActionCondition: { Action: 'BLOCK' } },
              { ActionCondition: { Action: 'COUNT' } },
              { ActionCondition: { Action: 'EXCLUDED_AS_COUNT' } },
            ],
          },
        ],
      },
    });

    logging.node.addDependency(this.logGroup);

    // ---- the WAF alarm (CloudFront WAF metrics exist only in us-east-1, so its topic is here too) ----
    const topic = new AlarmTopic(this, 'Alarms', { stage: config.stage, email: config.alarmEmail, removalPolicy: config.removalPolicy });
    this.blockedAlarm = new cloudwatch.Alarm(this, 'BlockedAlarm', {
      alarmName: alarmName(config.stage, 'waf-blocked-requests'),
      alarmDescription: `More than ${config.alarms.wafBlockedPer5Min} requests blocked by the WebACL in 5 minutes (attack, or a rule blocking real clients: docs/operations.md)`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: webAclMetricName(config.stage), Rule: 'ALL' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: config.alarms.wafBlockedPer5Min,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.blockedAlarm.addAlarmAction(new actions.SnsAction(topic.topic));
    this.blockedAlarm.addOkAction(new actions.SnsAction(topic.topic));

    // ---- the CloudFront certificate of a custom domain (DNS-validated in its public hosted zone) ----
    const domain = config.customDomain;
    if (domain) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: domain.hostedZoneId, zoneName: domain.hostedZoneName });
      const certificate = new acm.Certificate(this, 'CloudFrontCertificate', {
        domainName: domain.domainName,
        validation: acm.CertificateValidation.fromDns(zone),
      });
      publishParameter(this, config.stage, 'cloudFrontCertificateArn', certificate.certificateArn);
    }
  }
}
