import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { McpServerConfig } from '@mcp-cognito/config';
import { ConfigModule, HealthModule, Metrics, MetricsModule, REPOSITORIES, SecurityEvents, StorageModule, createLoggingModule } from '@mcp-cognito/nest-platform';
import type { Repositories, StorageUnavailableError } from '@mcp-cognito/storage';
import { accessTokenVerifierProvider } from '../auth/access-token-verifier.provider';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { systemClock } from '@mcp-cognito/contracts';
import { DEFAULT_STORAGE_DEADLINES } from '@mcp-cognito/storage';
import { RevocationFeedPoller } from '@mcp-cognito/nest-platform';
import { RevocationSet } from '@mcp-cognito/storage';
import { ProtectedResourceMetadataRoute } from '../http/protected-resource-metadata';
import { RequestLog } from '../http/request-log';
import { McpEndpoint } from '../protocol/mcp.endpoint';
import { OperationScopes } from '../protocol/operation-scopes';
import { ProtocolEndpoint } from '../protocol/protocol-endpoint';
import { buildMcpServer } from '../protocol/server-builder';
import { usesStorage, type McpServerDefinition } from './server-definition';
import { MCP_SERVER_CONFIG, MCP_SERVER_DEFINITION } from './tokens';

/**
 * One MCP server: logging, the table, health, the request gate, Protected Resource Metadata, the request log and the
 * protocol endpoint for both eras - everything but the server's own tools, resources and their dependencies. A server
 * without `dependencies` gives its tools no repositories and its health checks no table; it still reads the
 * revocation feed from the table (read-only).
 */
@Module({})
export class McpServerModule {
  static forRoot<Deps>(config: McpServerConfig, definition: McpServerDefinition<Deps>): DynamicModule {
    const storage = usesStorage(definition as McpServerDefinition<unknown>);
    // docs/architecture.md#revocation: one set per process, read by the gate, refreshed by the poller, shown by /health.
    const revocations = new RevocationSet({
      pollMs: config.revocation.pollMs,
      failOpenMs: config.revocation.failOpenMs,
      readBudgetMs: DEFAULT_STORAGE_DEADLINES.budgetMs,
      clock: systemClock,
    });
    return {
      module: McpServerModule,
      imports: [
        createLoggingModule({ service: config.service, runtime: config.runtime, requestLogging: 'self' }),
        MetricsModule.forRoot(config.service),
        // Always: the revocation feed is read from the table, whether or not the tools store anything.
        StorageModule.forRoot(config.dynamodb),
        ConfigModule.forRoot(MCP_SERVER_CONFIG, config),
        HealthModule.forRoot({
          readiness: { gateway_jwks: config.gateway.jwksUrl, cognito_jwks: config.cognito.jwksUrl },
          storage,
          states: {
            revocation_feed: () => {
              const status = revocations.status();
              // Failing closed: every token is refused with 503 until the feed answers again.
              if (status.state === 'closed') throw new Error(`revocation feed unread for ${status.lastReadAgeMs} ms: tokens are refused`);
              return { ...status };
            },
          },
        }),
      ],
      providers: [
        { provide: MCP_SERVER_DEFINITION, useValue: definition },
        // First: its hooks must run before the gate's, so refusals are logged with their request id.
        RequestLog,
        SecurityEvents,
        { provide: RevocationSet, useValue: revocations },
        RevocationFeedPoller,
        accessTokenVerifierProvider,
        McpRequestGate,
        { provide: OperationScopes, useValue: new OperationScopes(definition.tools as never, (definition.resources ?? []) as never) },
        {
          provide: ProtocolEndpoint,
          inject: [{ token: REPOSITORIES, optional: true }, SecurityEvents, Metrics],
          useFactory: async (repositories: Repositories | undefined, events: SecurityEvents, metrics: Metrics) => {
            const logger = new Logger('Mcp');
            const spec = {
              info: definition.info,
              instructions: definition.instructions,
              tools: definition.tools,
              resources: definition.resources ?? [],
              dependencies: definition.dependencies && repositories ? definition.dependencies(repositories) : ({} as Deps),
              toolCallTimeoutMs: config.toolCallTimeoutMs,
              onToolCall: (tool: string) => metrics.count('toolCalls', tool),
              onToolDeadline: (tool: string) => {
                metrics.count('toolErrors', tool);
                logger.warn({ event: 'mcp.tool_deadline', tool, timeoutMs: config.toolCallTimeoutMs }, 'tool call ran past its deadline');
              },
              onToolFailure: (tool: string, principal: { sub: string }, err: unknown) => {
                events.emit('tool.failed', { tool, sub: principal.sub });
                logger.error({ event: 'mcp.tool_failed', tool, err }, 'tool failed');
              },
              // An outage, not a bug: a warning with its reason, no stack (the caller was told to try again).
              onStorageUnavailable: (operation: string, err: StorageUnavailableError) =>
                logger.warn({ event: 'storage.unavailable', operation, reason: err.reason }, 'storage unavailable'),
            };
            const endpoint = new ProtocolEndpoint({
              build: () => buildMcpServer(spec),
              url: config.resource,
              onError: (error) => logger.debug({ event: 'mcp.protocol_error', message: error.message }, 'MCP request refused or failed'),
              onFastPathUnavailable: (era, reason) => logger.warn({ event: 'mcp.fast_path_off', era, reason }, 'serving this era per request'),
            });
            await endpoint.start();
            return endpoint;
          },
        },
        McpEndpoint,
        ProtectedResourceMetadataRoute,
      ],
    };
  }
}
