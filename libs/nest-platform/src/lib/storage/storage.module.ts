import { Inject, Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import type { DynamoDbConfig } from '@mcp-cognito/config';
import { systemClock, type Clock } from '@mcp-cognito/contracts';
import { Metrics } from '../metrics/metrics';
import { createDynamoClients, createRepositories, ensureTable, pingTable, type DynamoClients } from '@mcp-cognito/storage';

/** Injection tokens for the storage layer (framework-free classes from @mcp-cognito/storage). */
export const DYNAMO_CLIENTS = Symbol('DYNAMO_CLIENTS');
export const DYNAMO_CONFIG = Symbol('DYNAMO_CONFIG');
export const CLOCK = Symbol('CLOCK');
/** All repositories (`Repositories` from @mcp-cognito/storage) on the one table. */
export const REPOSITORIES = Symbol('REPOSITORIES');

@Injectable()
class TableBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Storage');

  constructor(
    @Inject(DYNAMO_CLIENTS) private readonly clients: DynamoClients,
    @Inject(DYNAMO_CONFIG) private readonly config: DynamoDbConfig,
  ) {}

  /** Local mode only: in AWS the data stack owns the table (DYNAMODB_CREATE_TABLE stays false). */
  async onModuleInit(): Promise<void> {
    if (!this.config.createTable) return;
    await ensureTable(this.clients);
    this.logger.log({ event: 'storage.table_ready', table: this.config.tableName }, 'table ready');
  }
}

/** Checks the table answers (DescribeTable) for the health endpoints. */
export async function pingStorage(clients: DynamoClients): Promise<Record<string, unknown>> {
  const ping = await pingTable(clients);
  if (!ping.ok) throw new Error(`table ${clients.tableName} ${ping.reason}: ${ping.detail}`);
  return { table: clients.tableName, tableStatus: ping.status, latencyMs: ping.latencyMs };
}

/**
 * Provides the DynamoDB clients (`DYNAMO_CLIENTS`), the clock (`CLOCK`) and every repository built from them
 * (`REPOSITORIES`, libs/storage `createRepositories`).
 */
@Module({})
export class StorageModule {
  static forRoot(config: DynamoDbConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [
        { provide: DYNAMO_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        {
          provide: DYNAMO_CLIENTS,
          // Every outage is counted (StorageUnavailable), whichever endpoint or tool answers it.
          inject: [{ token: Metrics, optional: true }],
          useFactory: (metrics?: Metrics) =>
            createDynamoClients({
              region: config.region,
              endpoint: config.endpoint,
              tableName: config.tableName,
              onUnavailable: metrics ? () => metrics.count('storageUnavailable') : undefined,
            }),
        },
        {
          provide: REPOSITORIES,
          inject: [DYNAMO_CLIENTS, CLOCK],
          useFactory: (clients: DynamoClients, c: Clock) => createRepositories(clients, c),
        },
        TableBootstrap,
      ],
      exports: [DYNAMO_CLIENTS, DYNAMO_CONFIG, CLOCK, REPOSITORIES],
    };
  }
}
