import type { ToolDefinition } from '@mcp-cognito/mcp-server-kit';
import type { ToolsDeps } from '../deps';
import { notesCreateTool } from './notes-create.tool';
import { notesDeleteTool } from './notes-delete.tool';
import { notesGetTool } from './notes-get.tool';
import { notesListTool } from './notes-list.tool';
import { whoamiTool } from './whoami.tool';

/** Every tool this server offers, in `tools/list` order. Adding a tool = one `*.tool.ts` file + one line here. */
export const TOOLS: readonly ToolDefinition<ToolsDeps>[] = [whoamiTool, notesListTool, notesGetTool, notesCreateTool, notesDeleteTool] as readonly ToolDefinition<ToolsDeps>[];
