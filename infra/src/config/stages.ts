import { Duration, RemovalPolicy } from 'aws-cdk-lib';

/** Stage names accepted by `-c stage=<name>`. */
export type StageName = 'dev' | 'prod';

/** Per-service sizing and scaling. */
export interface ServiceSizing {
  /** Fargate CPU units (ARM64/Graviton tasks). */
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
 * A custom public domain in a Route 53 public hosted zone. The app creates everything else: the
 * CloudFront certificate in us-east-1 (WAF stack), the ALB's certificate for `origin.<domainName>`
 * in the stage region, the alias records, and uses `https://<domainName>` as issuer, MCP resource and
 * Cognito callback base. Without one the stage runs on `https://dxxxx.cloudfront.net` (dev only).
 */
export interface CustomDomain {
  /** Public host name, e.g. `mcp.acme.com`: the issuer becomes `https://<domainName>`. */
  domainName: string;
  /** Id of the public hosted zone that holds `domainName` (e.g. `Z0123456789ABCDEFGHIJ`). */
  hostedZoneId: string;
  /** Name of that hosted zone (e.g. `acme.com`); `domainName` must be it or under it. */
  hostedZoneName: string;
}

/** Cognito hosted UI domain: a prefix under `amazoncognito.com`, or a custom domain. */
export type CognitoDomainConfig =
  | { kind: 'prefix'; prefix: string }
  | { kind: 'custom'; domainName: string; /** us-east-1 ACM certificate */ certificateArn: string };

/**
 * WAF rate limits: requests per key per 5 minutes (WAF's evaluation window; WAF's minimum is 10).
 * Per client IP unless the name says otherwise (docs/waf.md).
 */
export interface RateLimits {
  register: number;
  token: number;
  authorize: number;
  consent: number;
  revoke: number;
  callback: number;
  /** `/account*`: the connected-clients page (its sign-ins and its forms). */
  account: number;
  /** `/mcp` per bearer token (the Authorization header value): one agent session. */
  mcpPerToken: number;
  /** `/mcp` per IP: unauthenticated floods and many tokens from one address (set high: offices share NAT addresses). */
  mcpPerIp: number;
}

/** Alarm thresholds (docs/operations.md explains each alarm). */
export interface AlarmThresholds {
  /** 5xx responses as a percentage of requests (ALB-wide and per service), over 3 consecutive minutes. */
  fiveXxPercent: number;
  /** p99 target response time per service, milliseconds, over 5 consecutive minutes. */
  p99LatencyMs: { gateway: number; tools: number };
  /** Refresh tokens replayed after rotation (grant revoked each time), per 5 minutes. */
  refreshReusePer5Min: number;
  /** Failed Cognito calls, per 5 minutes. */
  upstreamErrorsPer5Min: number;
  /** Requests the WebACL blocked, per 5 minutes. */
  wafBlockedPer5Min: number;
  /** DynamoDB read + write throttle events on the table, per 5 minutes. */
  dynamoThrottlesPer5Min: number;
  /** Requests a service answered 503 because the table did not answer in time, per 5 minutes. */
  storageUnavailablePer5Min: number;
}

export interface StageConfig {
  stage: StageName;
  /** Region of everything but the WAF stack (which CloudFront requires in us-east-1). */
  region: string;
  /** Optional: pin stacks to an account (`-c account=123456789012`). Synth never needs it. */
  account?: string;
  /** Two AZs, named explicitly so that synth needs no AZ lookup. @default `<region>a`, `<region>b` */
  availabilityZones: [string, string];
  /** NAT gateways (at least 1: tasks reach Cognito, ECR's API and Secrets Manager through NAT). */
  natGateways: number;
  /** @default none: the CloudFront default domain (allowed for `dev` only, see config/deployable.ts). */
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
    /**
     * Cognito refresh-token rotation (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html):
     * set = on, with this retry grace period (0-60 s) for the token it replaces. The gateway refreshes each grant
     * once at a time (single flight), so no grace is needed for concurrency; a grace of 60 s lets a refresh whose
     * answer was lost (a timeout) be retried with the old token. Context: `-c refreshTokenRotationGraceSeconds=60`.
     * @default undefined (rotation off, Cognito's default)
     */
    refreshTokenRotationGracePeriod?: Duration;
  };
  /** Browser origins mcp-tools accepts (ALLOWED_ORIGINS; DNS-rebinding protection). */
  allowedOrigins: string[];
  gateway: ServiceSizing;
  tools: ServiceSizing;
  /** Retention of service, WAF, VPC flow-log and custom-resource logs. */
  logRetentionDays: 7 | 14 | 30 | 60 | 90 | 180 | 365;
  /** Days before ALB/CloudFront access-log objects expire. */
  accessLogExpirationDays: number;
  /** Versioning on the access-log bucket (objects cannot be silently overwritten or deleted). */
  accessLogVersioning: boolean;
  /** `ALL` or only `REJECT`ed flows (cheaper) in the VPC flow log. */
  flowLogTraffic: 'ALL' | 'REJECT';
  /** Removal policy of stateful resources (table, key, user pool, secrets, log groups). */
  removalPolicy: RemovalPolicy;
  /** Deletion protection of the table, the user pool and the ALB. */
  deletionProtection: boolean;
  rateLimits: RateLimits;
  alarms: AlarmThresholds;
  /** E-mail address subscribed to the alarm topics (both regions). @default none: subscribe by hand */
  alarmEmail?: string;
  /** CloudFront price class: `PriceClass_100` (NA+EU) is the cheapest. */
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

const small: ServiceSizing = { cpu: 256, memoryMiB: 512, desiredCount: 1, minCount: 1, maxCount: 2, cpuTargetPercent: 60 };

/**
 * The default Cognito hosted-UI prefix of a stage. Prefixes are global across all AWS accounts, so
 * for any stage but dev this shipped value is a placeholder (config/deployable.ts refuses it).
 */
export const DEFAULT_COGNITO_PREFIX = (stage: StageName) => `mcp-cognito-${stage}`;

const STAGES: Record<StageName, Omit<StageConfig, 'availabilityZones'> & { availabilityZones?: [string, string] }> = {
  dev: {
    stage: 'dev',
    region: 'eu-west-1',
    natGateways: 1,
    cognitoDomain: { kind: 'prefix', prefix: DEFAULT_COGNITO_PREFIX('dev') },
    cognito: {
      selfSignUpEnabled: false,
      mfa: 'OPTIONAL',
      featurePlan: 'ESSENTIALS',
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
    },
    allowedOrigins: ['http://localhost:6274', 'http://127.0.0.1:6274'],
    gateway: small,
    tools: small,
    logRetentionDays: 14,
    accessLogExpirationDays: 30,
    accessLogVersioning: false,
    flowLogTraffic: 'REJECT',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    rateLimits: { register: 100, token: 1000, authorize: 500, consent: 300, revoke: 300, callback: 500, account: 300, mcpPerToken: 3000, mcpPerIp: 10000 },
    alarms: {
      fiveXxPercent: 5,
      p99LatencyMs: { gateway: 2000, tools: 5000 },
      refreshReusePer5Min: 5,
      upstreamErrorsPer5Min: 10,
      wafBlockedPer5Min: 500,
      dynamoThrottlesPer5Min: 10,
      storageUnavailablePer5Min: 5,
    },
    priceClass: 'PriceClass_100',
    logLevel: 'debug',
  },
  prod: {
    stage: 'prod',
    region: 'eu-west-1',
    natGateways: 2,
    // Placeholders (RFC 2606 names): synth refuses them until overridden (-c domainName=... or edit here).
    customDomain: { domainName: 'mcp.example.com', hostedZoneId: 'Z00000000000000000000', hostedZoneName: 'example.com' },
    cognitoDomain: { kind: 'prefix', prefix: DEFAULT_COGNITO_PREFIX('prod') },
    cognito: {
      selfSignUpEnabled: false,
      mfa: 'REQUIRED',
      featurePlan: 'PLUS',
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
    },
    allowedOrigins: [],
    gateway: { cpu: 512, memoryMiB: 1024, desiredCount: 2, minCount: 2, maxCount: 6, cpuTargetPercent: 50 },
    tools: { cpu: 512, memoryMiB: 1024, desiredCount: 2, minCount: 2, maxCount: 10, cpuTargetPercent: 50 },
    logRetentionDays: 90,
    accessLogExpirationDays: 365,
    accessLogVersioning: true,
    flowLogTraffic: 'ALL',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    rateLimits: { register: 100, token: 2000, authorize: 1000, consent: 600, revoke: 600, callback: 1000, account: 600, mcpPerToken: 6000, mcpPerIp: 20000 },
    alarms: {
      fiveXxPercent: 2,
      p99LatencyMs: { gateway: 1500, tools: 5000 },
      refreshReusePer5Min: 5,
      upstreamErrorsPer5Min: 10,
      wafBlockedPer5Min: 1000,
      dynamoThrottlesPer5Min: 10,
      storageUnavailablePer5Min: 5,
    },
    priceClass: 'PriceClass_100',
    logLevel: 'info',
  },
};

/** Context keys that override a stage's values from the command line (`-c key=value`). */
export interface StageOverrides {
  account?: string;
  region?: string;
  /** Custom domain: `domainName`, `hostedZoneId` and `hostedZoneName` come together. */
  domainName?: string;
  hostedZoneId?: string;
  hostedZoneName?: string;
  cognitoDomainPrefix?: string;
  alarmEmail?: string;
  /** Turns Cognito refresh-token rotation on with this grace period (0-60 seconds). */
  refreshTokenRotationGraceSeconds?: number;
}

/** The configuration of `name`, with command-line overrides applied. Throws on an unknown stage or a partial domain. */
export function stageConfig(name: string, overrides: StageOverrides = {}): StageConfig {
  if (!(name in STAGES)) throw new Error(`unknown stage "${name}" (expected one of: ${Object.keys(STAGES).join(', ')})`);
  const base = STAGES[name as StageName];
  const region = overrides.region ?? base.region;
  const domainKeys = [overrides.domainName, overrides.hostedZoneId, overrides.hostedZoneName];
  if (domainKeys.some(Boolean) && !domainKeys.every(Boolean)) {
    throw new Error('a custom domain needs all three of -c domainName=... -c hostedZoneId=... -c hostedZoneName=...');
  }
  const customDomain: CustomDomain | undefined =
    overrides.domainName && overrides.hostedZoneId && overrides.hostedZoneName
      ? { domainName: overrides.domainName, hostedZoneId: overrides.hostedZoneId, hostedZoneName: overrides.hostedZoneName }
      : base.customDomain;
  const grace = overrides.refreshTokenRotationGraceSeconds;
  if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0 && grace <= 60)) {
    throw new Error(`refreshTokenRotationGraceSeconds must be a whole number of seconds from 0 to 60 (got ${grace})`);
  }
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
    cognito: grace === undefined ? base.cognito : { ...base.cognito, refreshTokenRotationGracePeriod: Duration.seconds(grace) },
    alarmEmail: overrides.alarmEmail ?? base.alarmEmail,
  };
}
