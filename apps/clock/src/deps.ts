import type { z } from 'zod';
import { defineTool, type ToolDefinition } from '@mcp-cognito/mcp-server-kit';

/**
 * What this server's tools get besides the caller: nothing (it keeps no state). A server that stores items adds its
 * repositories here and `dependencies` in `server.ts`.
 */
export type ServerDeps = object;

/** `defineTool` for this server's dependencies (one file per tool keeps its input type inferred from its schema). */
export function tool<Input extends z.ZodObject>(
  definition: ToolDefinition<ServerDeps, Input>,
): ToolDefinition<ServerDeps, Input> {
  return defineTool(definition);
}
