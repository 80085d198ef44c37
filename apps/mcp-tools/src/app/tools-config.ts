import type { ToolsConfig } from '@mcp-cognito/config';

/** Injection token for the tools service's parsed configuration (parsed once in main.ts). */
export const TOOLS_CONFIG = Symbol('TOOLS_CONFIG');
export type { ToolsConfig };
