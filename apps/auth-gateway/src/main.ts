import 'reflect-metadata';
import { loadGatewayConfig } from '@mcp-cognito/config';
import { runService, serveHttp } from '@mcp-cognito/nest-platform';
import { createGatewayApp } from './app/create-app';

void runService('auth-gateway', async () => {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
  await serveHttp(app, config.runtime);
});
