import type { McpServerConfig } from '@mcp-cognito/config';

/** Injection token for the server's parsed configuration (libs/config `loadMcpServerConfig`, parsed once in main.ts). */
export const MCP_SERVER_CONFIG = Symbol('MCP_SERVER_CONFIG');
/** Injection token for the server's {@link McpServerDefinition}. */
export const MCP_SERVER_DEFINITION = Symbol('MCP_SERVER_DEFINITION');
export type { McpServerConfig };
