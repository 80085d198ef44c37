import { Module, type DynamicModule } from '@nestjs/common';
import { createLoggingModule, StorageModule } from '@mcp-cognito/nest-platform';
import { HealthModule } from '../health/health.module';
import { McpModule } from '../mcp/mcp.module';
import { WellKnownModule } from '../well-known/well-known.module';
import { TOOLS_CONFIG, type ToolsConfig } from './tools-config';

@Module({})
export class ConfigModule {
  static forRoot(config: ToolsConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: TOOLS_CONFIG, useValue: config }],
      exports: [TOOLS_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ToolsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        createLoggingModule({ service: config.service, runtime: config.runtime }),
        StorageModule.forRoot(config.dynamodb),
        ConfigModule.forRoot(config),
        HealthModule,
        WellKnownModule,
        McpModule,
      ],
    };
  }
}
