import type { z } from 'zod';
import { defineTool, type ToolDefinition } from '@mcp-cognito/mcp-server-kit';
import type { NoteRepository } from '@mcp-cognito/storage';

/** What this server's tools and resources get besides the caller. */
export interface ToolsDeps {
  readonly notes: NoteRepository;
}

/** `defineTool` for this server's dependencies (one file per tool keeps its input type inferred from its schema). */
export function tool<Input extends z.ZodObject>(definition: ToolDefinition<ToolsDeps, Input>): ToolDefinition<ToolsDeps, Input> {
  return defineTool(definition);
}
