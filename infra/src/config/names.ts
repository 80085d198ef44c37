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
  albFullName: 'network/alb-full-name',
  // WAF stack (us-east-1)
  webAclArn: 'waf/web-acl-arn',
  cloudFrontCertificateArn: 'waf/cloudfront-certificate-arn',
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
  refreshTokenKeysSecretArn: 'security/refresh-token-keys-secret-arn',
  // service stacks (read by the monitoring stack's dashboard)
  gatewayTargetGroupFullName: 'gateway/target-group-full-name',
  gatewayEcsServiceName: 'gateway/ecs-service-name',
  toolsTargetGroupFullName: 'tools/target-group-full-name',
  toolsEcsServiceName: 'tools/ecs-service-name',
} as const;

export type SsmKey = keyof typeof SSM_KEYS;

export const PROJECT = 'mcp-cognito';

/**
 * The MCP server registry (docs/architecture.md#mcp-server-registry): one SSM String parameter per server,
 * `<path><name>`, holding its registration (libs/contracts `McpServerRegistration`, JSON). Each server's stack writes
 * its own; the gateway reads the path (`MCP_SERVER_REGISTRY_PATH`), so adding a server edits no other stack.
 */
export function mcpServerRegistryPath(stage: StageName): string {
  return `/${PROJECT}/${stage}/mcp-servers/`;
}

/**
 * `mcp-cognito/<stage>/resource-servers/`: the Secrets Manager prefix under which each resource server that uses
 * RFC 7662 introspection keeps its own secret (`<prefix><server name>`, docs/introspection.md).
 */
export function resourceServerSecretPrefix(stage: StageName): string {
  return `${PROJECT}/${stage}/resource-servers/`;
}

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
  refreshTokenKeys: 'refresh-token-keys',
} as const;

export type SecretKey = keyof typeof SECRET_KEYS;

export function secretName(stage: StageName, key: SecretKey): string {
  return `${PROJECT}/${stage}/${SECRET_KEYS[key]}`;
}

/**
 * The fixed stacks of a stage, in first-deploy order (docs/deploy.md); infra/scripts/affected-stacks.mjs uses the same
 * list. `Tools` is the stack of the MCP server at `/mcp` (mcp-tools); every other MCP server adds its own
 * `Server-<name>` stack ({@link mcpServerStackPart}) between `Tools` and `Monitoring`.
 */
export const STACK_PARTS = ['Waf', 'Data', 'Network', 'Security', 'Gateway', 'Tools', 'Monitoring'] as const;

export type StackPart = (typeof STACK_PARTS)[number] | `Server-${string}`;

/**
 * The stack part of an MCP server: `Tools` for the one at `/mcp` (its stack name from before there were several, so a
 * deployed stage keeps its resources), `Server-<name>` for the others (the manifest name: unique, and never one of
 * the fixed parts).
 */
export function mcpServerStackPart(server: { name: string; path: string }): StackPart {
  return server.path === '/mcp' ? 'Tools' : `Server-${server.name}`;
}

/** CloudFormation stack names: `McpCognito-Dev-Gateway`; the Nx deploy targets match `McpCognito-*-Gateway`. */
export function stackName(stage: StageName, part: StackPart): string {
  return `McpCognito-${stage.charAt(0).toUpperCase()}${stage.slice(1)}-${part}`;
}

/**
 * CloudWatch alarm names: `mcp-cognito-<stage>-<name>`. Deterministic, so the dashboard (monitoring
 * stack) lists the service stacks' alarms by name without a cross-stack reference.
 */
export function alarmName(stage: StageName, name: string): string {
  return `${PROJECT}-${stage}-${name}`;
}

/**
 * The stage's alarm topic (SNS) in `region`: one in the stage region (monitoring stack) and one in
 * us-east-1 for the WAF alarm (CloudWatch alarms can only notify a topic of their own region). Service
 * stacks address it by this name, so they deploy before the monitoring stack without a lookup.
 */
export function alarmTopicName(stage: StageName): string {
  return `${PROJECT}-${stage}-alarms`;
}
