import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, createLoggingModule, HealthModule, MetricsModule, StorageModule } from '@mcp-cognito/nest-platform';
import { OAuthModule } from '../oauth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        createLoggingModule({ service: config.service, runtime: config.runtime }),
        MetricsModule.forRoot(config.service),
        StorageModule.forRoot(config.dynamodb),
        ConfigModule.forRoot(GATEWAY_CONFIG, config),
        HealthModule.forRoot({ readiness: { cognito_jwks: config.cognito.jwksUrl } }),
        OAuthModule,
      ],
    };
  }
}
