import { Module, type DynamicModule } from '@nestjs/common';
import { createLoggingModule, StorageModule } from '@mcp-cognito/nest-platform';
import { HealthModule } from '../health/health.module';
import { OAuthModule } from '../oauth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway-config';

@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        createLoggingModule({ service: config.service, runtime: config.runtime }),
        StorageModule.forRoot(config.dynamodb),
        ConfigModule.forRoot(config),
        HealthModule,
        OAuthModule,
      ],
    };
  }
}
