import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { ToolsConfig } from '@mcp-cognito/config';
import { requestIdOf } from '@mcp-cognito/nest-platform';
import { assertResourceIsMcpEndpoint } from '../auth/mcp-path';
import { AppModule } from './app.module';

/**
 * Builds the tools service on fastify: every MCP call is on this path, and on this machine
 * Nest+fastify serves several times what Nest+express does.
 */
export async function createToolsApp(config: ToolsConfig): Promise<NestFastifyApplication> {
  assertResourceIsMcpEndpoint(config.resource);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ trustProxy: false, bodyLimit: 1_048_576, genReqId: requestIdOf }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
