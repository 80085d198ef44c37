import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { McpServerRegistration } from '@mcp-cognito/contracts';
import { TemporarilyUnavailable, matchResource } from '@mcp-cognito/oauth';
import type { GatewayConfig } from '../config/gateway-config';
import { SsmRegistrySource, type RegistryRead } from './ssm-registry-source';

/** Where run-time registrations come from (SSM in AWS; tests give their own). */
export interface RegistrySource {
  read(): Promise<RegistryRead>;
}

/** How long start-up waits for the first registry read before serving (then it keeps trying in the background). */
const FIRST_READ_WAIT_MS = 5000;
/** After a failed read, try again this soon (the last good list stays in use meanwhile). */
const RETRY_AFTER_FAILURE_MS = 5000;

/**
 * The MCP servers this gateway issues tokens for (docs/architecture.md, "Many MCP servers"): the static ones from
 * its configuration, plus - in AWS - the registrations each server's own stack publishes under an SSM path, read at
 * start and every MCP_SERVER_REGISTRY_TTL seconds in the background. Lookups are synchronous and never touch the
 * network. When a read fails the last good list stays in use (stale is safer than empty: removing a server takes at
 * most one TTL more); until the first read succeeds, the registry's servers are unavailable and requests for them are
 * answered `temporarily_unavailable`.
 */
export class McpServerRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('McpServerRegistry');
  private dynamic: McpServerRegistration[] | undefined;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  /** `source`: the run-time registry (SSM in AWS), absent when only static servers are configured. */
  constructor(
    private readonly config: GatewayConfig,
    private readonly source?: RegistrySource,
  ) {}

  /** The registry the configuration describes (an SSM source when MCP_SERVER_REGISTRY_PATH is set). */
  static fromConfig(config: GatewayConfig): McpServerRegistry {
    const { registryPath } = config.servers;
    return new McpServerRegistry(config, registryPath ? new SsmRegistrySource(registryPath, { region: config.dynamodb.region }) : undefined);
  }

  async onModuleInit(): Promise<void> {
    if (!this.source) return;
    const first = this.refresh();
    await Promise.race([first, new Promise((r) => setTimeout(r, FIRST_READ_WAIT_MS).unref())]);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Every server (static first). @throws TemporarilyUnavailable while the run-time registry was never read. */
  all(): McpServerRegistration[] {
    if (this.source && this.dynamic === undefined) {
      if (this.config.servers.static.length > 0) return this.config.servers.static;
      throw new TemporarilyUnavailable('The list of MCP servers is not available yet; try again shortly.', 'registry not read yet');
    }
    return [...this.config.servers.static, ...(this.dynamic ?? [])];
  }

  /** The server whose canonical resource URL `resource` names (RFC 8707, RFC 3986 §6 comparison), if any. */
  find(resource: string): McpServerRegistration | undefined {
    const servers = this.all();
    const match = matchResource(resource, servers.map((s) => s.resource));
    return match === undefined ? undefined : servers.find((s) => s.resource === match);
  }

  /** The server registered under `name` (introspection callers authenticate with it). */
  byName(name: string): McpServerRegistration | undefined {
    return this.all().find((s) => s.name === name);
  }

  /** Every scope of every server (`scopes_supported`). */
  allScopes(): string[] {
    return [...new Set(this.all().flatMap((s) => Object.keys(s.scopes)))];
  }

  private async refresh(): Promise<void> {
    let next = this.config.servers.registryTtlSeconds * 1000;
    try {
      const read = await this.source!.read();
      const staticResources = new Set(this.config.servers.static.map((s) => s.resource));
      const claims = new Map<string, number>();
      for (const s of read.servers) claims.set(s.resource, (claims.get(s.resource) ?? 0) + 1);
      this.dynamic = read.servers.filter((s) => {
        if (staticResources.has(s.resource)) {
          this.logger.warn({ event: 'registry.duplicate', server: s.name }, 'a registry entry repeats a statically configured server: the static one wins');
          return false;
        }
        // Two entries claiming one resource: neither is trusted (one could be given the other's tokens' audience).
        if ((claims.get(s.resource) ?? 0) > 1) {
          this.logger.warn({ event: 'registry.conflict', server: s.name }, 'two registry entries claim one resource: both are ignored');
          return false;
        }
        return true;
      });
      for (const skip of read.skipped) this.logger.warn({ event: 'registry.invalid_entry', parameter: skip.parameter, reason: skip.reason }, 'registry entry skipped');
    } catch (error) {
      next = RETRY_AFTER_FAILURE_MS;
      this.logger.warn({ event: 'registry.read_failed', err: error instanceof Error ? error.message : 'unknown', stale: this.dynamic !== undefined }, 'MCP server registry could not be read');
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.refresh(), next);
      this.timer.unref();
    }
  }
}
