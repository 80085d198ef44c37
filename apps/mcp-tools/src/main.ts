import 'reflect-metadata';
import { loadMcpServerConfig } from '@mcp-cognito/config';
import { createMcpServerApp } from '@mcp-cognito/mcp-server-kit';
import { runService, serveHttp } from '@mcp-cognito/nest-platform';
import { TOOLS_SERVER } from './server';

void runService('mcp-tools', async () => {
  const config = loadMcpServerConfig('mcp-tools');
  const app = await createMcpServerApp(config, TOOLS_SERVER);
  await serveHttp(app, config.runtime);
});
