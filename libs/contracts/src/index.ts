// The workspace's shared vocabulary, defined once: time, security events, metric names, table key prefixes and who owns them.
export { systemClock, epochSeconds, type Clock } from './lib/time';
export { EVENT_METRICS, METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricDefinition, type MetricKey } from './lib/metrics';
export { KEY_PREFIXES, MCP_SERVER_BASE_READ_ONLY, TABLE_ACCESS, mcpServerTableAccess, type KeyPrefix, type TableAccess } from './lib/table-keys';
export { WARNING_EVENTS, type SecurityEventFields, type SecurityEventName } from './lib/security-events';
export {
  MCP_SERVER_MANIFEST,
  McpServerManifestError,
  mcpServerPath,
  parseMcpServerManifest,
  parseMcpServerRegistration,
  readMcpServerManifests,
  registrationFor,
  type McpServerManifest,
  type McpServerRegistration,
} from './lib/mcp-servers';
