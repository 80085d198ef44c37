import type { Repositories } from '@mcp-cognito/storage';
import type { ResourceDefinition } from '../definitions/resource-definition';
import type { ToolDefinition } from '../definitions/tool-definition';

/** What makes one MCP server: everything the kit does not (its identity, tools, resources and their dependencies). */
export interface McpServerDefinition<Deps> {
  /** Implementation identity: in `initialize` results (2025) and every 2026-07-28 result's `_meta`. */
  readonly info: { name: string; version: string };
  /** Human-readable name (the Protected Resource Metadata's `resource_name`, the consent page). */
  readonly title?: string;
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition<Deps>[];
  readonly resources?: readonly ResourceDefinition<Deps>[];
  /**
   * What the handlers get besides the caller, built once from the table's repositories. Absent: the server keeps no
   * state of its own - its tools get no repositories and `/health` checks no table (DescribeTable), because its task
   * role may only read the revocation feed (infra grants the prefixes libs/contracts `TABLE_ACCESS` lists under the
   * server's name; every server reads the feed, so the kit always opens a table client).
   */
  readonly dependencies?: (repositories: Repositories) => Deps;
}

/** True when the server reads or writes the table (it declared `dependencies`). */
export function usesStorage(definition: McpServerDefinition<unknown>): boolean {
  return definition.dependencies !== undefined;
}

/** Identity helper that keeps a server's `Deps` inferred across its tools and resources. */
export function defineMcpServer<Deps>(definition: McpServerDefinition<Deps>): McpServerDefinition<Deps> {
  return Object.freeze(definition);
}
