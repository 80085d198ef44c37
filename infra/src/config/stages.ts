import { Duration, RemovalPolicy } from 'aws-cdk-lib';

/** Stage names accepted by `-c stage=<name>`. */
export type StageName = 'dev' | 'prod';

/** Per-service sizing and scaling. */
export interface ServiceSizing {
  /** Fargate CPU units. @default 256 */
  cpu: number;
  /** Fargate memory (MiB). */
  memoryMiB: number;
  /** Tasks at deploy time; autoscaling moves between `minCount` and `maxCount`. */
  desiredCount: number;
  minCount: number;
  maxCount: number;
  /** Target average CPU utilisation (%) for autoscaling. */
  cpuTargetPercent: number;
}

/**
 * A custom public domain. Without one the stage is reached at the CloudFront default domain
 * (`dxxxx.cloudfront.net`), whose TLS policy CloudFront fixes at TLSv1, and CloudFront talks to the
 * ALB over HTTP (still restricted to CloudFront by prefix list + origin secret header).
 */
export interface CustomDomain {
  /** Public host name, e.g. `mcp.example.com`: the issuer becomes `https://<domainName>`. */
  domainName: string;
  /** ACM certificate for `domainName` in **us-east-1** (CloudFront only reads certificates there). */
  certificateArn: string;
  /** Host name CloudFront uses to reach the ALB over HTTPS, e.g. `origin.mcp.example.com` (a DNS record to the ALB). */
  originDomainName: string;
  /** ACM certificate for `originDomainName` in the stage's region (ALB HTTPS listener). */
  originCertificateArn: string;
}

/** Cognito hosted UI domain: a prefix under `amazoncognito.com`, or a custom domain. */
export type CognitoDomainConfig =
  | { kind: 'prefix'; prefix: string }
  | { kind: 'custom'; domainName: string; /** us-east-1 ACM certificate */ certificateArn: string };

export interface StageConfig {
  stage: StageName;
  /** Region of everything but the WAF (which CloudFront requires in us-east-1). */
  region: string;
  /** Optional: pin stacks to an account (`-c account=123456789012`). Synth never needs it. */
  account?: string;
  /** Two AZs, named explicitly so that synth needs no AZ lookup. @default `<region>a`, `<region>b` */
  availabilityZones: [string, string];
  /** NAT gateways (0 is not allowed: tasks run in private subnets and reach AWS APIs through NAT). */
  natGateways: number;
  customDomain?: CustomDomain;
  cognitoDomain: CognitoDomainConfig;
  cognito: {
    selfSignUpEnabled: boolean;
    mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED';
    /** `PLUS` enables threat protection (compromised credentials, adaptive auth); `ESSENTIALS` cannot. */
    featurePlan: 'ESSENTIALS' | 'PLUS';
    accessTokenValidity: Duration;
    idTokenValidity: Duration;
    refreshTokenValidity: Duration;
    /** Path on the public origin Cognito's `/logout` may return to. @default '/consent/signed-out' */
    logoutPath: string;
  };
  /** Browser origins mcp-tools accepts (ALLOWED_ORIGINS; DNS-rebinding protection). */
  allowedOrigins: string[];
  gateway: ServiceSizing;
  tools: ServiceSizing;
  /** Retention of service, VPC flow-log and custom-resource logs. */
  logRetentionDays: 7 | 14 | 30 | 60 | 90 | 180 | 365;
  /** Days before ALB/CloudFront access-log objects expire. */
  accessLogExpirationDays: number;
  /** `ALL` or only `REJECT`ed flows (cheaper) in the VPC flow log. */
  flowLogTraffic: 'ALL' | 'REJECT';
  /** Removal policy of stateful resources (table, key, user pool, secrets, log groups). */
  removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection and Cognito deletion protection. */
  deletionProtection: boolean;
  /** WAF rate limits: requests per IP per 5 minutes (WAF's evaluation window) on the named path. */
  rateLimits: { register: number; token: number; authorize: number };
  /** CloudFront price class: `PriceClass_100` (NA+EU) is the cheapest. */
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

const small: ServiceSizing = { cpu: 256, memoryMiB: 512, desiredCount: 1, minCount: 1, maxCount: 2, cpuTargetPercent: 60 };

const STAGES: Record<StageName, Omit<StageConfig, 'availabilityZones'> & { availabilityZones?: [string, string] }> = {
  dev: {
    stage: 'dev',
    region: 'eu-west-1',
    natGateways: 1,
    cognitoDomain: { kind: 'prefix', prefix: 'mcp-cognito-dev' },
    cognito: {
      selfSignUpEnabled: false,
      mfa: 'OPTIONAL',
      featurePlan: 'ESSENTIALS',
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
      logoutPath: '/consent/signed-out',
    },
    allowedOrigins: ['http://localhost:6274', 'http://127.0.0.1:6274'],
    gateway: small,
    tools: small,
    logRetentionDays: 14,
    accessLogExpirationDays: 30,
    flowLogTraffic: 'REJECT',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    rateLimits: { register: 100, token: 1000, authorize: 500 },
    priceClass: 'PriceClass_100',
    logLevel: 'debug',
  },
  prod: {
    stage: 'prod',
    region: 'eu-west-1',
    natGateways: 2,
    customDomain: {
      domainName: 'mcp.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
      originDomainName: 'origin.mcp.example.com',
      originCertificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000001',
    },
    cognitoDomain: { kind: 'prefix', prefix: 'mcp-cognito-prod' },
    cognito: {
      selfSignUpEnabled: false,
      mfa: 'REQUIRED',
      featurePlan: 'PLUS',
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
      logoutPath: '/consent/signed-out',
    },
    allowedOrigins: [],
    gateway: { cpu: 512, memoryMiB: 1024, desiredCount: 2, minCount: 2, maxCount: 6, cpuTargetPercent: 50 },
    tools: { cpu: 512, memoryMiB: 1024, desiredCount: 2, minCount: 2, maxCount: 10, cpuTargetPercent: 50 },
    logRetentionDays: 90,
    accessLogExpirationDays: 365,
    flowLogTraffic: 'ALL',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    rateLimits: { register: 100, token: 2000, authorize: 1000 },
    priceClass: 'PriceClass_100',
    logLevel: 'info',
  },
};

/** Context keys that override a stage's values from the command line (`-c key=value`). */
export interface StageOverrides {
  account?: string;
  region?: string;
  domainName?: string;
  certificateArn?: string;
  originDomainName?: string;
  originCertificateArn?: string;
  cognitoDomainPrefix?: string;
}

/** The configuration of `name`, with command-line overrides applied. Throws on an unknown stage. */
export function stageConfig(name: string, overrides: StageOverrides = {}): StageConfig {
  if (!(name in STAGES)) throw new Error(`unknown stage "${name}" (expected one of: ${Object.keys(STAGES).join(', ')})`);
  const base = STAGES[name as StageName];
  const region = overrides.region ?? base.region;
  const customDomain =
    overrides.domainName && overrides.certificateArn && overrides.originDomainName && overrides.originCertificateArn
      ? {
          domainName: overrides.domainName,
          certificateArn: overrides.certificateArn,
          originDomainName: overrides.originDomainName,
          originCertificateArn: overrides.originCertificateArn,
        }
      : base.customDomain;
  const cognitoDomain: CognitoDomainConfig = overrides.cognitoDomainPrefix
    ? { kind: 'prefix', prefix: overrides.cognitoDomainPrefix }
    : base.cognitoDomain;
  return {
    ...base,
    region,
    account: overrides.account ?? base.account,
    availabilityZones: base.availabilityZones && region === base.region ? base.availabilityZones : [`${region}a`, `${region}b`],
    customDomain,
    cognitoDomain,
  };
}
