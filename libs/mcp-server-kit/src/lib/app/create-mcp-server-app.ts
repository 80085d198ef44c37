import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { McpServerConfig } from '@mcp-cognito/config';
import { requestIdOf } from '@mcp-cognito/nest-platform';
import { mcpPathOf } from '../http/mcp-path';
import { MAX_BODY_BYTES } from '../protocol/mcp.endpoint';
import { McpServerModule } from './mcp-server.module';
import type { McpServerDefinition } from './server-definition';

/**
 * Builds an MCP server on the kit (NestJS on fastify: every MCP call is on this path, and fastify serves several times
 * what express does). `main.ts` serves it with nest-platform's `serveHttp` (keep-alive above the ALB's idle timeout,
 * graceful stop on SIGTERM); the HTTP-level tests call this too.
 */
export async function createMcpServerApp<Deps>(config: McpServerConfig, definition: McpServerDefinition<Deps>): Promise<NestFastifyApplication> {
  mcpPathOf(config.resource); // refuses a resource URL nothing would answer at
  const adapter = new FastifyAdapter({ trustProxy: false, bodyLimit: MAX_BODY_BYTES, genReqId: requestIdOf });
  const app = await NestFactory.create<NestFastifyApplication>(McpServerModule.forRoot(config, definition), adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  // No enableShutdownHooks: serve it with nest-platform's `serveHttp`, which drains on SIGTERM before Nest shuts down.
  return app;
}
