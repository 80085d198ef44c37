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
  /** Grace period for in-flight requests on SIGTERM (ECS sends SIGTERM, then SIGKILL after 30 s). */
  SHUTDOWN_GRACE_MS: envInt(10_000, 0, 120_000),
});

export type RuntimeEnv = z.infer<typeof runtimeEnvSchema>;

export interface RuntimeConfig {
  nodeEnv: RuntimeEnv['NODE_ENV'];
  host: string;
  port: number;
  logLevel: RuntimeEnv['LOG_LEVEL'];
  logFormat: RuntimeEnv['LOG_FORMAT'];
  shutdownGraceMs: number;
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
