import 'reflect-metadata';
import { loadMcpServerConfig } from '@mcp-cognito/config';
import { createMcpServerApp } from '@mcp-cognito/mcp-server-kit';
import { runService, serveHttp } from '@mcp-cognito/nest-platform';
import { CLOCK_SERVER } from './server';

void runService('clock', async () => {
  const config = loadMcpServerConfig('clock');
  const app = await createMcpServerApp(config, CLOCK_SERVER);
  await serveHttp(app, config.runtime);
});
