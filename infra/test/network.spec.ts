import { Match, Template } from 'aws-cdk-lib/assertions';
import { ORIGIN_VERIFY_HEADER } from '../src/config/names';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from '../src/constructs/sdk-lookups';
import { buildTestApp, resourcesOf } from './helpers';

describe('edge/network stack', () => {
  let dev: Template;
  let prod: Template;

  beforeAll(() => {
    dev = Template.fromStack(buildTestApp('dev').network);
    prod = Template.fromStack(buildTestApp('prod').network);
  });

  it('VPC: two AZs, NAT gateways per stage, flow log', () => {
    dev.resourceCountIs('AWS::EC2::NatGateway', 1);
    prod.resourceCountIs('AWS::EC2::NatGateway', 2);
    dev.resourceCountIs('AWS::EC2::Subnet', 4);
    dev.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('the ALB accepts CloudFront only: its security group admits only the origin-facing prefix list', () => {
    const ingress = [
      ...resourcesOf(dev, 'AWS::EC2::SecurityGroup').flatMap(
        ([, r]) => (r.Properties['SecurityGroupIngress'] as Array<Record<string, unknown>> | undefined) ?? [],
      ),
      ...resourcesOf(dev, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties),
    ];
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/^CloudFrontPrefixList/), 'PrefixLists.0.PrefixListId'] }, FromPort: 80, ToPort: 80 });
    expect(ingress[0]).not.toHaveProperty('CidrIp');
    const lookup = Object.values(dev.findResources('Custom::CloudFrontPrefixList'))[0] as { Properties: { Create: string } };
    expect(lookup.Properties.Create).toContain(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST);
  });

  it('the listener answers 403 by default; a routed path also needs the secret origin header', () => {
    dev.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) })],
    });
    dev.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: ORIGIN_VERIFY_HEADER, Values: [Match.anyValue()] } },
      ]),
      Actions: [Match.objectLike({ FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) })],
    });
  });

  it('CloudFront sends the origin secret as a dynamic reference, never as a literal', () => {
    const dist = resourcesOf(dev, 'AWS::CloudFront::Distribution')[0][1];
    const header = JSON.stringify(dist.Properties);
    expect(header).toContain(ORIGIN_VERIFY_HEADER);
    expect(header).toMatch(/\{\{resolve:secretsmanager:/);
  });

  it('CloudFront: HTTPS only, every method, caching disabled, all viewer headers except Host (Authorization included), security headers', () => {
    dev.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // managed CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // managed AllViewerExceptHostHeader
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        Logging: Match.anyValue(),
      }),
    });
    dev.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true }),
          ContentTypeOptions: Match.anyValue(),
          FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
        }),
      }),
    });
  });

  it('prod (custom domain): TLSv1.2_2021 to viewers, HTTPS-only to an HTTPS listener on the ALB', () => {
    prod.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['mcp.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
        Origins: [Match.objectLike({ DomainName: 'origin.mcp.example.com', CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }) })],
      }),
    });
    prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
  });
});
