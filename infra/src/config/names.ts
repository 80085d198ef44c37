import type { StageName } from './stages';

/**
 * The one place that names what stacks share. Stacks never reference each other's resources
 * directly (a CloudFormation export would lock the producer until every consumer is gone, and
 * the per-service stacks must deploy alone): the producer writes an SSM parameter under
 * {@link ssmName}, the consumer reads it with `ssm.StringParameter.valueForStringParameter`
 * (resolved by CloudFormation at each deploy).
 */
export const SSM_KEYS = {
  // edge / network stack
  vpcId: 'network/vpc-id',
  privateSubnetIds: 'network/private-subnet-ids',
  albListenerArn: 'network/alb-listener-arn',
  albSecurityGroupId: 'network/alb-security-group-id',
  clusterName: 'network/ecs-cluster-name',
  publicBaseUrl: 'network/public-base-url',
  originVerifySecretArn: 'network/origin-verify-secret-arn',
  // WAF stack (us-east-1)
  webAclArn: 'waf/web-acl-arn',
  // data stack
  tableName: 'data/table-name',
  tableArn: 'data/table-arn',
  tableKeyArn: 'data/table-key-arn',
  // security stack
  userPoolId: 'security/user-pool-id',
  userPoolClientId: 'security/user-pool-client-id',
  cognitoDomainUrl: 'security/cognito-domain-url',
  cognitoClientSecretArn: 'security/cognito-client-secret-arn',
  gatewaySigningKeysSecretArn: 'security/gateway-signing-keys-secret-arn',
  tokenEncryptionKeysSecretArn: 'security/token-encryption-keys-secret-arn',
  storageEncryptionKeysSecretArn: 'security/storage-encryption-keys-secret-arn',
  cookieSecretArn: 'security/cookie-secret-arn',
} as const;

export type SsmKey = keyof typeof SSM_KEYS;

export const PROJECT = 'mcp-cognito';

/** `/mcp-cognito/<stage>/<area>/<name>` */
export function ssmName(stage: StageName, key: SsmKey): string {
  return `/${PROJECT}/${stage}/${SSM_KEYS[key]}`;
}

/** Secrets Manager names: `mcp-cognito/<stage>/<name>` (the scripts in infra/scripts find them by name). */
export const SECRET_KEYS = {
  cognitoClientSecret: 'cognito-client-secret',
  gatewaySigningKeys: 'gateway-signing-keys',
  tokenEncryptionKeys: 'token-encryption-keys',
  storageEncryptionKeys: 'storage-encryption-keys',
  cookieSecret: 'cookie-secret',
  originVerify: 'origin-verify',
} as const;

export type SecretKey = keyof typeof SECRET_KEYS;

export function secretName(stage: StageName, key: SecretKey): string {
  return `${PROJECT}/${stage}/${SECRET_KEYS[key]}`;
}

export type StackPart = 'Waf' | 'Data' | 'Network' | 'Security' | 'Gateway' | 'Tools';

/** CloudFormation stack names: `McpCognito-Dev-Gateway`; the Nx deploy targets match `McpCognito-*-Gateway`. */
export function stackName(stage: StageName, part: StackPart): string {
  return `McpCognito-${stage.charAt(0).toUpperCase()}${stage.slice(1)}-${part}`;
}

/** The header CloudFront adds and the ALB listener rules require (value: the origin-verify secret). */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
