import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import type { GatewayConfig } from '@mcp-cognito/config';
import { OAuthExceptionFilter } from '../http/oauth-exception.filter';
import { publicEndpointCors } from '../http/public-cors';
import { AppModule } from './app.module';

/**
 * Builds the gateway application (express: passport-oauth2's redirecting strategy expects
 * express-style req/res). Used by main.ts (which serves it with nest-platform's `serveHttp`) and by the HTTP-level
 * tests.
 */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
    // Throw instead of exiting: main.ts reports the error, tests see it.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Behind CloudFront + ALB the client address and scheme come from X-Forwarded-*; trust only that many hops.
  app.set('trust proxy', config.http.trustProxyHops);
  // Flat forms only (no qs nesting): a repeated or nested parameter is an error, not an object.
  app.useBodyParser('urlencoded', { extended: false, limit: '16kb', parameterLimit: 50 });
  app.useBodyParser('json', { limit: '32kb' });
  app.use(publicEndpointCors);
  app.use(cookieParser());
  app.useGlobalFilters(new OAuthExceptionFilter(config.issuer));
  // No enableShutdownHooks: main.ts serves through serveHttp, which drains on SIGTERM before Nest shuts down.
  return app;
}
