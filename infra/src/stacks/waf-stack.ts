import { Stack, type StackProps, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import { publishParameter } from '../constructs/shared-parameters';

export interface WafStackProps extends StackProps {
  config: StageConfig;
}

/** Paths whose abuse costs the most (registrations, Cognito round trips): each gets its own rate limit. */
export const RATE_LIMITED_PATHS = [
  { name: 'register', path: '/register' },
  { name: 'token', path: '/token' },
  { name: 'authorize', path: '/authorize' },
] as const;

const AWS_MANAGED_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * The CloudFront WebACL. CLOUDFRONT-scoped WebACLs exist only in us-east-1, so this small stack is
 * pinned there; its ARN reaches the network stack (in the stage's region) through the SSM parameter
 * `/mcp-cognito/<stage>/waf/web-acl-arn` in us-east-1, read by a custom resource (see
 * CrossRegionParameter) - not by a cross-region CloudFormation reference.
 */
export class WafStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    const { config } = props;
    const metric = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `mcp-${config.stage}-${name}`,
    });

    const managed: wafv2.CfnWebACL.RuleProperty[] = AWS_MANAGED_GROUPS.map((group, i) => ({
      name: group,
      priority: i,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group,
          // MCP tool calls (JSON-RPC bodies) legitimately exceed the common set's 8 KB body limit: count, do not block.
          ruleActionOverrides:
            group === 'AWSManagedRulesCommonRuleSet' ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] : undefined,
        },
      },
      visibilityConfig: metric(group),
    }));

    // Rate-based rules are limits, not exemptions: an IP over the limit on that path is blocked
    // (429) for the rest of the window; every other rule still applies to requests under it.
    const rate: wafv2.CfnWebACL.RuleProperty[] = RATE_LIMITED_PATHS.map(({ name, path }, i) => ({
      name: `rate-${name}`,
      priority: 10 + i,
      action: { block: { customResponse: { responseCode: 429 } } },
      statement: {
        rateBasedStatement: {
          limit: config.rateLimits[name],
          evaluationWindowSec: 300,
          aggregateKeyType: 'IP',
          scopeDownStatement: {
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: 'EXACTLY',
              searchString: path,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
        },
      },
      visibilityConfig: metric(`rate-${name}`),
    }));

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `mcp-cognito-${config.stage}`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules: [...managed, ...rate],
      visibilityConfig: metric('webacl'),
    });

    publishParameter(this, config.stage, 'webAclArn', this.webAcl.attrArn);
  }
}
