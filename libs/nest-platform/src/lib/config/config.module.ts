import { Module, type DynamicModule } from '@nestjs/common';

/** Makes a service's parsed configuration injectable everywhere under `token` (parsed once in main.ts). */
@Module({})
export class ConfigModule {
  static forRoot<T>(token: symbol, config: T): DynamicModule {
    return { module: ConfigModule, global: true, providers: [{ provide: token, useValue: config }], exports: [token] };
  }
}
