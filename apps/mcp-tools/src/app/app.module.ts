import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, createLoggingModule, HealthModule, StorageModule } from '@mcp-cognito/nest-platform';
import { McpModule } from '../mcp/mcp.module';
import { WellKnownModule } from '../well-known/well-known.module';
import { RequestLog } from './request-log';
import { TOOLS_CONFIG, type ToolsConfig } from './tools-config';

@Module({})
export class AppModule {
  static forRoot(config: ToolsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        createLoggingModule({ service: config.service, runtime: config.runtime, requestLogging: 'self' }),
        StorageModule.forRoot(config.dynamodb),
        ConfigModule.forRoot(TOOLS_CONFIG, config),
        HealthModule.forRoot({ readiness: { gateway_jwks: config.gateway.jwksUrl, cognito_jwks: config.cognito.jwksUrl } }),
        WellKnownModule,
        McpModule,
      ],
      providers: [RequestLog],
    };
  }
}
