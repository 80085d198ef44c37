import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { NoteRepository } from '@mcp-cognito/storage';
import type { Principal } from '@mcp-cognito/tokens';
import type { z } from 'zod';
import type { Scope } from '../mcp/scopes';

/** What a tool handler may use: the caller (from the verified token) and the repositories. */
export interface ToolContext {
  /** The authenticated caller. Every user-data key is built from `principal.sub`, never from input. */
  readonly principal: Principal;
  readonly notes: NoteRepository;
}

/**
 * One MCP tool, declared in one file: its name, what it needs, what it takes, what it does.
 * `requiredScopes` is the single source of truth for the HTTP 403 step-up check (read from the JSON-RPC
 * body before the SDK runs) and for the defence-in-depth check around the handler.
 */
export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly requiredScopes: readonly Scope[];
  /** Bounded, strict zod object; the SDK validates arguments with it (bad input -> `isError` result). */
  readonly inputSchema: Input;
  readonly annotations?: ToolAnnotations;
  /** Method syntax on purpose: a list of tools with different inputs is a `ToolDefinition[]`. */
  handler(input: z.output<Input>, ctx: ToolContext): Promise<CallToolResult>;
}

/** Identity helper that keeps each tool file's input type inferred from its schema. */
export function defineTool<Input extends z.ZodObject>(tool: ToolDefinition<Input>): ToolDefinition<Input> {
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
