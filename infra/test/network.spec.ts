import { Match, Template } from 'aws-cdk-lib/assertions';
import { ssmName } from '../src/config/names';
import { TIMEOUTS } from '../src/config/timeouts';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from '../src/constructs/sdk-lookups';
import { originHostName } from '../src/stacks/network-stack';
import { buildTestApp, PROD_OVERRIDES, resourcesOf } from './helpers';

type Json = Record<string, unknown>;

/** dev on the CloudFront default domain; dev and prod with a custom domain. */
const DEV_WITH_DOMAIN = { domainName: 'mcp-dev.acme-platform.dev', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'acme-platform.dev' };

describe('edge/network stack', () => {
  const t = {} as { dev: Template; prod: Template; devDomain: Template };

  beforeAll(() => {
    t.dev = Template.fromStack(buildTestApp('dev').network);
    t.prod = Template.fromStack(buildTestApp('prod').network);
    t.devDomain = Template.fromStack(buildTestApp('dev', { overrides: DEV_WITH_DOMAIN }).network);
  });
  const each = ['dev', 'prod', 'devDomain'] as const;

  it('VPC: two AZs, NAT gateways per stage, flow log', () => {
    t.dev.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.prod.resourceCountIs('AWS::EC2::NatGateway', 2);
    t.dev.resourceCountIs('AWS::EC2::Subnet', 4);
    t.dev.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it.each(each)('%s: DynamoDB and S3 gateway endpoints on the private route tables (no NAT charge for table traffic and image layers)', (stage) => {
    const endpoints = resourcesOf(t[stage], 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties);
    expect(endpoints.map((e) => e['VpcEndpointType'])).toEqual(['Gateway', 'Gateway']);
    const services = endpoints.map((e) => JSON.stringify(e['ServiceName']));
    expect(services.some((s) => s.includes('.dynamodb'))).toBe(true);
    expect(services.some((s) => s.includes('.s3'))).toBe(true);
    for (const e of endpoints) expect(JSON.stringify(e['RouteTableIds'])).toMatch(/privateSubnet1RouteTable.*privateSubnet2RouteTable/);
  });

  describe('no public origin', () => {
    it.each(each)('%s: the ALB is internal, in the private subnets', (stage) => {
      t[stage].hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internal',
        Subnets: [{ Ref: Match.stringLikeRegexp('privateSubnet1') }, { Ref: Match.stringLikeRegexp('privateSubnet2') }],
      });
    });

    it.each(each)('%s: CloudFront reaches it only through a VPC origin (no custom origin on the internet)', (stage) => {
      const dist = resourcesOf(t[stage], 'AWS::CloudFront::Distribution')[0][1].Properties['DistributionConfig'] as Json;
      const originsOf = dist['Origins'] as Json[];
      expect(originsOf).toHaveLength(1);
      expect(originsOf[0]).toHaveProperty('VpcOriginConfig');
      expect(originsOf[0]).not.toHaveProperty('CustomOriginConfig');
      const [[vpcOriginId, vpcOrigin]] = resourcesOf(t[stage], 'AWS::CloudFront::VpcOrigin');
      expect((originsOf[0]['VpcOriginConfig'] as Json)['VpcOriginId']).toEqual({ 'Fn::GetAtt': [vpcOriginId, 'Id'] });
      expect(JSON.stringify((vpcOrigin.Properties['VpcOriginEndpointConfig'] as Json)['Arn'])).toMatch(/Alb/);
    });

    it.each(each)('%s: the ALB security group admits only CloudFront\'s origin-facing prefix list; nothing else ingresses', (stage) => {
      const ingress = [
        ...resourcesOf(t[stage], 'AWS::EC2::SecurityGroup').flatMap(([, r]) => (r.Properties['SecurityGroupIngress'] as Json[] | undefined) ?? []),
        ...resourcesOf(t[stage], 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties),
      ];
      expect(ingress).toHaveLength(1);
      const port = stage === 'dev' ? 80 : 443;
      expect(ingress[0]).toMatchObject({ SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/^CloudFrontPrefixList/), 'PrefixLists.0.PrefixListId'] }, FromPort: port, ToPort: port });
      expect(ingress[0]).not.toHaveProperty('CidrIp');
      const lookup = Object.values(t[stage].findResources('Custom::CloudFrontPrefixList'))[0] as { Properties: { Create: string } };
      expect(lookup.Properties.Create).toContain(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST);
    });

    it.each(each)('%s: no shared header secret anywhere (nothing but CloudFront can reach the ALB)', (stage) => {
      const json = JSON.stringify(t[stage].toJSON());
      expect(json).not.toMatch(/origin-verify|x-origin-verify|resolve:secretsmanager/);
      t[stage].resourceCountIs('AWS::SecretsManager::Secret', 0);
      t[stage].hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) })],
      });
      t[stage].resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    });
  });

  describe('no HTTP origin hop where a certificate can exist', () => {
    it.each(['prod', 'devDomain'] as const)('%s (custom domain): HTTPS-only TLSv1.2 to an HTTPS listener whose certificate names origin.<domain>', (stage) => {
      const domain = stage === 'prod' ? PROD_OVERRIDES.domainName! : DEV_WITH_DOMAIN.domainName;
      t[stage].hasResourceProperties('AWS::CloudFront::VpcOrigin', {
        VpcOriginEndpointConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], HTTPSPort: 443 }),
      });
      t[stage].hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({ Origins: [Match.objectLike({ DomainName: originHostName(domain) })] }),
      });
      t[stage].hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: Match.stringLikeRegexp('TLS13'),
        Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('OriginCertificate') } }],
      });
      t[stage].hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: originHostName(domain),
        ValidationMethod: 'DNS',
        DomainValidationOptions: [Match.objectLike({ HostedZoneId: 'Z0123456789ABCDEFGHIJ' })],
      });
      t[stage].resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    });

    it('dev without a domain: the one exception, HTTP over the VPC origin inside AWS (no public certificate can name an internal ALB)', () => {
      t.dev.hasResourceProperties('AWS::CloudFront::VpcOrigin', { VpcOriginEndpointConfig: Match.objectLike({ OriginProtocolPolicy: 'http-only' }) });
      t.dev.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    });
  });

  describe('custom domain wired end to end', () => {
    it.each(['prod', 'devDomain'] as const)('%s: alias on CloudFront with the us-east-1 certificate, A/AAAA records, origin record', (stage) => {
      const domain = stage === 'prod' ? PROD_OVERRIDES.domainName! : DEV_WITH_DOMAIN.domainName;
      const stageName = stage === 'prod' ? 'prod' : 'dev';
      const readers = Object.entries(t[stage].findResources('Custom::CrossRegionParameter')) as Array<[string, { Properties: { Create: string } }]>;
      const certReader = readers.find(([, r]) => r.Properties.Create.includes(ssmName(stageName, 'cloudFrontCertificateArn')));
      expect(certReader).toBeDefined();
      t[stage].hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Aliases: [domain],
          ViewerCertificate: Match.objectLike({ AcmCertificateArn: { 'Fn::GetAtt': [certReader![0], 'Parameter.Value'] }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        }),
      });
      for (const type of ['A', 'AAAA']) {
        t[stage].hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `${domain}.`,
          Type: type,
          HostedZoneId: 'Z0123456789ABCDEFGHIJ',
          AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('Distribution'), 'DomainName'] } }),
        });
      }
      t[stage].hasResourceProperties('AWS::Route53::RecordSet', { Name: `${originHostName(domain)}.`, Type: 'A' });
      t[stage].hasResourceProperties('AWS::SSM::Parameter', { Name: ssmName(stageName, 'publicBaseUrl'), Value: `https://${domain}` });
    });

    it('dev without a domain: the CloudFront default domain is the issuer; no DNS records', () => {
      t.dev.resourceCountIs('AWS::Route53::RecordSet', 0);
      t.dev.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmName('dev', 'publicBaseUrl'),
        Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('Distribution'), 'DomainName'] }]] },
      });
    });
  });

  describe('timeouts (config/timeouts.ts, docs/deploy.md "Timeouts")', () => {
    it.each(each)('%s: CloudFront read/keep-alive and ALB idle timeouts are the chain\'s', (stage) => {
      t[stage].hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Origins: [Match.objectLike({ VpcOriginConfig: Match.objectLike({ OriginReadTimeout: TIMEOUTS.originReadMs / 1000, OriginKeepaliveTimeout: TIMEOUTS.originKeepaliveMs / 1000 }) })],
        }),
      });
      t[stage].hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: String(TIMEOUTS.albIdleMs / 1000) }]),
      });
    });
  });

  describe('production hygiene', () => {
    it('prod: ALB deletion protection and a versioned access-log bucket (old versions expire); dev: neither', () => {
      t.prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
      });
      t.prod.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: Match.anyValue() })] },
      });
      t.dev.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
      });
      expect(resourcesOf(t.dev, 'AWS::S3::Bucket')[0][1].Properties['VersioningConfiguration']).toBeUndefined();
    });

    it.each(each)('%s: CloudFront is HTTPS-only, every method, caching disabled, all viewer headers but Host (Authorization included), security headers, logged', (stage) => {
      t[stage].hasResourceProperties('AWS::CloudFront::Distribution', {
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
      t[stage].hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: Match.objectLike({
          SecurityHeadersConfig: Match.objectLike({
            StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true }),
            ContentTypeOptions: Match.anyValue(),
            FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
          }),
        }),
      });
    });

    it('publishes the ALB full name (alarm dimensions) for the service and monitoring stacks', () => {
      t.dev.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmName('dev', 'albFullName'),
        Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Alb'), 'LoadBalancerFullName'] },
      });
    });
  });
});
