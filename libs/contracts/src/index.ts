// What the services and the infra app must agree on, defined once: metric names, table key prefixes and who owns them.
export { METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricDefinition, type MetricKey } from './lib/metrics';
export { KEY_PREFIXES, TABLE_ACCESS, type KeyPrefix, type TableAccess } from './lib/table-keys';
