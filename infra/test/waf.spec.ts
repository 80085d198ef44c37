import { Match, Template } from 'aws-cdk-lib/assertions';
import { ssmName } from '../src/config/names';
import { RATE_LIMITED_PATHS } from '../src/stacks/waf-stack';
import { buildTestApp } from './helpers';

describe('WAF stack (us-east-1) and its association with CloudFront', () => {
  let waf: Template;
  let network: Template;
  let region: string;

  beforeAll(() => {
    const stacks = buildTestApp('dev');
    region = stacks.waf.region;
    waf = Template.fromStack(stacks.waf);
    network = Template.fromStack(stacks.network);
  });

  it('lives in us-east-1 (CLOUDFRONT-scoped WebACLs exist only there)', () => {
    expect(region).toBe('us-east-1');
    waf.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it.each(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'])(
    'uses the AWS managed rule group %s',
    (group) => {
      waf.hasResourceProperties('AWS::WAFv2::WebACL', {
        Rules: Match.arrayWith([
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: group }) } }),
        ]),
      });
    },
  );

  it.each(RATE_LIMITED_PATHS.map((p) => p.path))('rate-limits %s per IP and blocks (a limit, not an exemption)', (path) => {
    waf.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: Match.anyValue() },
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: 'IP',
              Limit: Match.anyValue(),
              ScopeDownStatement: { ByteMatchStatement: Match.objectLike({ SearchString: path, FieldToMatch: { UriPath: {} } }) },
            }),
          },
        }),
      ]),
    });
  });

  it('publishes the WebACL ARN in an SSM parameter of us-east-1', () => {
    waf.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmName('dev', 'webAclArn'),
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
    });
  });

  it('the network stack reads it back across regions (custom resource) and attaches it to the distribution', () => {
    const readers = network.findResources('Custom::CrossRegionParameter');
    const [readerId, reader] = Object.entries(readers)[0] as [string, { Properties: { Create: unknown } }];
    const create = JSON.parse(reader.Properties.Create as string) as { region: string; action: string; parameters: { Name: string } };
    expect(create).toMatchObject({ action: 'getParameter', region: 'us-east-1', parameters: { Name: ssmName('dev', 'webAclArn') } });
    network.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [readerId, 'Parameter.Value'] } }),
    });
  });
});
