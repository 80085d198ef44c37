export { ConfigError } from './lib/config-error';
export { parseEnvironment } from './lib/parse-environment';
export { resolveFileVariables } from './lib/file-variables';
export { envBoolean, envInt, envList, envPublicUrl, envUrlList, isLoopbackHost } from './lib/env-parsing';
export { envJwkSet, envSecret } from './lib/key-material';
export { cognitoEnvSchema, toCognitoConfig, type CognitoConfig, type CognitoEnv } from './lib/cognito.config';
export {
  runtimeEnvSchema,
  toDynamoDbConfig,
  toRuntimeConfig,
  type DynamoDbConfig,
  type RuntimeConfig,
  type RuntimeEnv,
} from './lib/runtime.config';
export { gatewayEnvSchema, loadGatewayConfig, type GatewayConfig, type GatewayEnv } from './lib/gateway.config';
export {
  mcpServerEnvSchema,
  loadMcpServerConfig,
  type McpServerConfig,
  type McpServerEnv,
} from './lib/mcp-server.config';
