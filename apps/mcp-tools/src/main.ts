import 'reflect-metadata';
import { loadToolsConfig } from '@mcp-cognito/config';
import { runService } from '@mcp-cognito/nest-platform';
import { createToolsApp } from './app/create-app';

void runService('mcp-tools', async () => {
  const config = loadToolsConfig();
  const app = await createToolsApp(config);
  await app.listen(config.runtime.port, config.runtime.host);
});
