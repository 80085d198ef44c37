import type { ToolDefinition } from '@mcp-cognito/mcp-server-kit';
import type { ServerDeps } from '../deps';
import { businessDaysTool } from './business-days.tool';
import { timeConvertTool } from './time-convert.tool';
import { timeNowTool } from './time-now.tool';

/** Every tool this server offers, in `tools/list` order. Adding a tool = one `*.tool.ts` file + one line here. */
export const TOOLS: readonly ToolDefinition<ServerDeps>[] = [timeNowTool, timeConvertTool, businessDaysTool] as readonly ToolDefinition<ServerDeps>[];
