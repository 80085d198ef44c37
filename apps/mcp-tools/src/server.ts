import { defineMcpServer } from '@mcp-cognito/mcp-server-kit';
import type { ToolsDeps } from './deps';
import { RESOURCES } from './resources';
import { TOOLS } from './tools';

/** The mcp-tools server: its identity, tools and resources; everything else is the kit's. */
export const TOOLS_SERVER = defineMcpServer<ToolsDeps>({
  info: { name: 'mcp-tools', version: '1.0.0' },
  title: 'MCP tools (notes)',
  tools: TOOLS,
  resources: RESOURCES,
  dependencies: (repositories) => ({ notes: repositories.notes }),
});
