import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  type StackProps,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_logs as logs,
  aws_route53 as route53,
  aws_route53_targets as targets,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ssmName } from '../config/names';
import type { StageConfig } from '../config/stages';
import { TIMEOUTS } from '../config/timeouts';
import { CloudFrontPrefixList, CrossRegionParameter } from '../constructs/sdk-lookups';
import { publishParameter } from '../constructs/shared-parameters';

export interface NetworkStackProps extends StackProps {
  config: StageConfig;
  /** Region of the WAF stack (CloudFront WebACLs and certificates live in us-east-1). */
  wafRegion: string;
  /** Change to re-read the WebACL ARN (and certificate ARN) from us-east-1 after they were replaced. @default '0' */
  wafRefresh?: string;
}

/** Ports the services listen on (auth-gateway 3000, mcp-tools 3001: the libs/config defaults). */
export const SERVICE_PORTS = { 'auth-gateway': 3000, 'mcp-tools': 3001 } as const;

/** Host name CloudFront uses (SNI, certificate check) for the ALB of a custom-domain stage. */
export const originHostName = (domainName: string) => `origin.${domainName}`;

/**
 * Edge and network: VPC (2 AZs, NAT per stage, DynamoDB and S3 gateway endpoints, flow log), ECS
 * cluster, an **internal** ALB that only CloudFront reaches (CloudFront VPC origin; its security group
 * admits only CloudFront's origin-facing prefix list; no public address, no shared header secret), and
 * CloudFront (HTTPS only, security headers, caching disabled, every viewer header/cookie/query forwarded -
 * `Authorization` included - WAF attached). With a custom domain: HTTPS from CloudFront to the ALB
 * (`origin.<domain>` certificate), the CloudFront alias and both DNS records. The services add their own
 * target groups and rules to the listener.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly alb: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly distribution: cloudfront.Distribution;
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = config.logRetentionDays as logs.RetentionDays;
    const domain = config.customDomain;

    // ---- VPC -------------------------------------------------------------------------------
    // The public subnets hold only the NAT gateways (and the internet gateway CloudFront VPC origins require).
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // Gateway endpoints are free: DynamoDB traffic (every request) and S3 (ECR image layers) skip the NAT.
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }] },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }] },
      },
      flowLogs: {
        flowLog: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', { retention, removalPolicy: config.removalPolicy }),
          ),
          trafficType: config.flowLogTraffic === 'ALL' ? ec2.FlowLogTrafficType.ALL : ec2.FlowLogTrafficType.REJECT,
        },
      },
    });

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // ---- access logs (ALB + CloudFront) -----------------------------------------------------
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED, // ALB log delivery supports SSE-S3 only
      enforceSSL: true,
      // CloudFront standard logging (legacy) writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: config.accessLogVersioning,
      lifecycleRules: [
        {
          expiration: Duration.days(config.accessLogExpirationDays),
          noncurrentVersionExpiration: config.accessLogVersioning ? Duration.days(config.accessLogExpirationDays) : undefined,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the destination of the ALB and CloudFront access logs; logging its own access would recurse.',
    });

    // ---- internal ALB -----------------------------------------------------------------------
    const https = domain !== undefined;
    const listenerPort = https ? 443 : 80;
    const cloudFrontPrefixList = new CloudFrontPrefixList(this, 'CloudFrontPrefixList', { logRetention: retention });
    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: this.vpc,
      description: 'Internal ALB: inbound from CloudFront (VPC origin) only; outbound to the service ports in the VPC',
      allowAllOutbound: false,
    });
    // VPC-origin traffic arrives from CloudFront's origin-facing ranges; nothing else (not even the VPC) may connect.
    albSecurityGroup.addIngressRule(
      ec2.Peer.prefixList(cloudFrontPrefixList.prefixListId),
      ec2.Port.tcp(listenerPort),
      'CloudFront origin-facing (managed prefix list): the VPC origin',
    );
    albSecurityGroup.addEgressRule(
      ec2.Peer.ipv4(this.vpc.vpcCidrBlock),
      ec2.Port.tcpRange(SERVICE_PORTS['auth-gateway'], SERVICE_PORTS['mcp-tools']),
      'to the service tasks',
    );

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: this.vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: config.deletionProtection,
      idleTimeout: Duration.millis(TIMEOUTS.albIdleMs),
    });
    this.alb.logAccessLogs(accessLogs, 'alb');

    const zone = domain
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: domain.hostedZoneId, zoneName: domain.hostedZoneName })
      : undefined;
    const originCertificate =
      domain && zone
        ? new acm.Certificate(this, 'OriginCertificate', { domainName: originHostName(domain.domainName), validation: acm.CertificateValidation.fromDns(zone) })
        : undefined;

    this.listener = this.alb.addListener('Listener', {
      port: listenerPort,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: originCertificate ? [originCertificate] : undefined,
      sslPolicy: https ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      open: false,
      // Only CloudFront reaches the ALB; a path no service owns (libs/routing `routeFor` -> undefined) is a 404.
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'application/json', messageBody: '{"error":"not_found"}' }),
    });

    // ---- CloudFront -----------------------------------------------------------------------
    const webAcl = new CrossRegionParameter(this, 'WebAclArn', {
      parameterName: ssmName(config.stage, 'webAclArn'),
      region: props.wafRegion,
      logRetention: retention,
      refreshToken: props.wafRefresh,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'mcp-cognito: security headers on every response',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        // The apps send their own CSP (the consent page needs its nonce); this is the fallback for everything else.
        contentSecurityPolicy: { contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'", override: false },
      },
      removeHeaders: ['Server', 'X-Powered-By'],
    });

    // CloudFront VPC origin: CloudFront reaches the internal ALB through an endpoint in this VPC, never over
    // the internet. With a custom domain the hop is HTTPS with TLS 1.2 to `origin.<domain>` (certificate
    // above); without one no public certificate can name the ALB, so dev's hop is HTTP inside AWS's network.
    const origin = origins.VpcOrigin.withApplicationLoadBalancer(this.alb, {
      vpcOriginName: `mcp-cognito-${config.stage}-alb`,
      domainName: domain ? originHostName(domain.domainName) : undefined,
      protocolPolicy: https ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      httpPort: 80,
      httpsPort: 443,
      readTimeout: Duration.millis(TIMEOUTS.originReadMs),
      keepaliveTimeout: Duration.millis(TIMEOUTS.originKeepaliveMs),
    });

    const certificateArn = domain
      ? new CrossRegionParameter(this, 'CloudFrontCertificateArn', {
          parameterName: ssmName(config.stage, 'cloudFrontCertificateArn'),
          region: props.wafRegion,
          logRetention: retention,
          refreshToken: `${domain.domainName}#${props.wafRefresh ?? '0'}`,
        }).value
      : undefined;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `mcp-cognito ${config.stage}`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Every path is an API: nothing is cached. With caching disabled the managed
        // AllViewerExceptHostHeader policy forwards every header (Authorization included), cookie and query string.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: securityHeaders,
        compress: false,
      },
      domainNames: domain ? [domain.domainName] : undefined,
      certificate: certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn) : undefined,
      minimumProtocolVersion: https ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: config.priceClass as cloudfront.PriceClass,
      webAclId: webAcl.value,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'MCP clients and their users are worldwide; abuse is handled by the WAF (managed rules, IP reputation, per-path rate limits).',
    });
    if (!https) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain in this stage (dev only: config/deployable.ts refuses it elsewhere): the default *.cloudfront.net certificate ' +
          'fixes the viewer minimum at TLSv1. Stages with customDomain use TLSv1.2_2021.',
      });
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR5',
        reason:
          'No custom domain in this stage (dev only), so no public certificate can name the ALB: the origin is a CloudFront VPC origin ' +
          '(internal ALB, no internet path) spoken to over HTTP inside the AWS network. Stages with customDomain use HTTPS-only with TLSv1.2.',
      });
    }

    if (domain && zone) {
      // The public name -> CloudFront (IPv4 and IPv6); origin.<domain> -> the internal ALB (resolves to private
      // addresses: it exists for the certificate name CloudFront checks, not for clients).
      const toDistribution = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasA', { zone, recordName: domain.domainName, target: toDistribution });
      new route53.AaaaRecord(this, 'AliasAaaa', { zone, recordName: domain.domainName, target: toDistribution });
      new route53.ARecord(this, 'OriginAlias', {
        zone,
        recordName: originHostName(domain.domainName),
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.alb)),
      });
    }

    this.publicBaseUrl = domain ? `https://${domain.domainName}` : `https://${this.distribution.distributionDomainName}`;

    // Stack outputs (not exports): what an operator needs for smoke tests.
    new CfnOutput(this, 'PublicBaseUrl', { value: this.publicBaseUrl, description: 'Issuer; the MCP endpoint is <this>/mcp' });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName });

    publishParameter(this, config.stage, 'vpcId', this.vpc.vpcId);
    publishParameter(this, config.stage, 'privateSubnetIds', this.vpc.privateSubnets.map((s) => s.subnetId).join(','));
    publishParameter(this, config.stage, 'albListenerArn', this.listener.listenerArn);
    publishParameter(this, config.stage, 'albSecurityGroupId', albSecurityGroup.securityGroupId);
    publishParameter(this, config.stage, 'albFullName', this.alb.loadBalancerFullName);
    publishParameter(this, config.stage, 'clusterName', cluster.clusterName);
    publishParameter(this, config.stage, 'publicBaseUrl', this.publicBaseUrl);
  }
}
