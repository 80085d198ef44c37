import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/server';
import type { Principal } from '@mcp-cognito/tokens';
import type { z } from 'zod';

/**
 * What a tool or resource handler may use: the caller (from the verified token), what the server gives its
 * handlers (`Deps`: repositories, clients...), and the call's deadline signal. Every user-data key is built from
 * `principal.sub`, never from input.
 */
export type HandlerContext<Deps> = Deps & {
  readonly principal: Principal;
  /** Aborted when the call's deadline (`TOOL_CALL_TIMEOUT_MS`) passes: stop work, the caller has been answered. */
  readonly signal: AbortSignal;
};

/**
 * One MCP tool, declared in one file: its name, what it needs, what it takes, what it does. `requiredScopes` is the
 * single source of truth for the HTTP 403 step-up challenge (decided from the request before the protocol runs) and
 * for the defence-in-depth check around the handler.
 */
export interface ToolDefinition<Deps = unknown, Input extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly requiredScopes: readonly string[];
  /** Bounded, strict zod object; the SDK validates arguments with it (bad input -> an `isError` result). */
  readonly inputSchema: Input;
  readonly annotations?: ToolAnnotations;
  /** Method syntax on purpose: a list of tools with different inputs is a `ToolDefinition[]`. */
  handler(input: z.output<Input>, ctx: HandlerContext<Deps>): Promise<CallToolResult>;
}

/** Identity helper that keeps each tool file's input type inferred from its schema. */
export function defineTool<Deps, Input extends z.ZodObject>(tool: ToolDefinition<Deps, Input>): ToolDefinition<Deps, Input> {
  return Object.freeze(tool);
}

/** A successful result: the value as JSON text (for any client) and as `structuredContent`. */
export function jsonResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** A tool-level error (MCP: errors the model should see go in the result with `isError: true`). */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
