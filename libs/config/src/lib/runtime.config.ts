import { z } from 'zod';
import { envBoolean, envInt } from './env-parsing';

/** Variables every service reads: where it listens, how it logs, where its table is. */
export const runtimeEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` is for a developer's terminal; production logs are JSON lines. */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  AWS_REGION: z.string().trim().min(1).default('us-east-1'),
  DYNAMODB_TABLE: z.string().trim().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a valid DynamoDB table name').default('mcp-cognito'),
  /** Only for local engines (dynalite, DynamoDB Local); unset in AWS. */
  DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Create the table at start (local mode only; in AWS the data stack owns it). */
  DYNAMODB_CREATE_TABLE: envBoolean(false),
  /**
   * On SIGTERM: the longest the service takes from the signal to its exit, letting in-flight requests finish
   * (libs/nest-platform serveHttp). ECS sends SIGKILL after the task's stopTimeout, which must be longer.
   */
  SHUTDOWN_GRACE_MS: envInt(10_000, 0, 120_000),
  /**
   * On SIGTERM, keep accepting for this long while `/health` answers 503 `draining`, so that a load balancer that
   * learns about targets from health checks stops routing here before the listener closes. Part of the grace.
   * 0 where the load balancer deregisters the target before SIGTERM (ECS + ALB).
   */
  SHUTDOWN_ANNOUNCE_MS: envInt(0, 0, 60_000),
  /**
   * How long an idle keep-alive connection stays open. Must exceed the load balancer's idle timeout (ALB: 65 s), or
   * the service may close a connection just as the load balancer reuses it (a 502). Node's default is 5 s.
   */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(75_000, 1_000, 600_000),
});

export type RuntimeEnv = z.infer<typeof runtimeEnvSchema>;

export interface RuntimeConfig {
  nodeEnv: RuntimeEnv['NODE_ENV'];
  host: string;
  port: number;
  logLevel: RuntimeEnv['LOG_LEVEL'];
  logFormat: RuntimeEnv['LOG_FORMAT'];
  shutdownGraceMs: number;
  /** Within the grace: accepting while health says `draining`. */
  shutdownAnnounceMs: number;
  /** `server.keepAliveTimeout`; `headersTimeout` is set just above it. */
  keepAliveTimeoutMs: number;
}

export interface DynamoDbConfig {
  region: string;
  tableName: string;
  endpoint?: string;
  createTable: boolean;
}

export function toRuntimeConfig(env: RuntimeEnv, port: number): RuntimeConfig {
  return {
    nodeEnv: env.NODE_ENV,
    host: env.HOST,
    port,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    shutdownAnnounceMs: Math.min(env.SHUTDOWN_ANNOUNCE_MS, env.SHUTDOWN_GRACE_MS),
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}

export function toDynamoDbConfig(env: RuntimeEnv): DynamoDbConfig {
  return {
    region: env.AWS_REGION,
    tableName: env.DYNAMODB_TABLE,
    endpoint: env.DYNAMODB_ENDPOINT,
    createTable: env.DYNAMODB_CREATE_TABLE,
  };
}
