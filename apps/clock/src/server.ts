import { defineMcpServer } from '@mcp-cognito/mcp-server-kit';
import type { ServerDeps } from './deps';
import { TOOLS } from './tools';

/**
 * The clock server: its identity and tools; everything else (request gate, Protected Resource Metadata, both
 * protocol eras, step-up, health) is the kit's. No `dependencies`: it keeps no state, so it gets no table client and
 * its task role no table access. A server that stores items adds `dependencies: (repositories) => ({ ... })` and its
 * key prefixes to libs/contracts `TABLE_ACCESS` under its name.
 */
export const CLOCK_SERVER = defineMcpServer<ServerDeps>({
  info: { name: 'clock', version: '1.0.0' },
  title: 'Clock and calendar',
  tools: TOOLS,
});
