import { notesCreateTool } from './notes-create.tool';
import { notesDeleteTool } from './notes-delete.tool';
import { notesGetTool } from './notes-get.tool';
import { notesListTool } from './notes-list.tool';
import type { ToolDefinition } from './tool-definition';
import { whoamiTool } from './whoami.tool';

/** Every tool this server offers. Adding a tool = one `*.tool.ts` file + one line here. */
export const TOOLS: readonly ToolDefinition[] = [
  whoamiTool,
  notesListTool,
  notesGetTool,
  notesCreateTool,
  notesDeleteTool,
];

export type { ToolContext, ToolDefinition } from './tool-definition';
