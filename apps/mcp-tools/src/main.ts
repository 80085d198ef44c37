import 'reflect-metadata';
import { loadToolsConfig } from '@mcp-cognito/config';
import { createMcpServerApp } from '@mcp-cognito/mcp-server-kit';
import { runService } from '@mcp-cognito/nest-platform';
import { TOOLS_SERVER } from './server';

void runService('mcp-tools', async () => {
  const config = loadToolsConfig();
  const app = await createMcpServerApp(config, TOOLS_SERVER);
  await app.listen(config.runtime.port, config.runtime.host);
});
