export { createLoggingModule, requestIdOf, requestLogFields, requestLogLevel, isUnloggedRequest, type LoggingOptions } from './lib/logging/logging.module';
export { redactSecrets, redactUrl, isSecretKey, REDACTED } from './lib/logging/redact';
export { DependencyHealthIndicators } from './lib/health/dependency.health';
export { runService } from './lib/bootstrap/run-service';
export { StorageModule, DYNAMO_CLIENTS, DYNAMO_CONFIG, CLOCK, REPOSITORIES, pingStorage } from './lib/storage/storage.module';
export { HealthModule, type HealthOptions } from './lib/health/health.module';
export { ConfigModule } from './lib/config/config.module';
export { SecurityEvents } from './lib/events/security-events';
export { Metrics } from './lib/metrics/metrics';
