import { parseMcpServerManifest } from '@mcp-cognito/contracts';
import { McpServerTestHarness, TEST_USERS } from '@mcp-cognito/mcp-server-kit/testing';
import manifestJson from '../../mcp-server.json';
import { TOOLS_SERVER } from '../../src/server';

export { McpServerTestHarness, resultJson, resultText } from '@mcp-cognito/mcp-server-kit/testing';

export const ALICE = TEST_USERS.alice;
export const BOB = TEST_USERS.bob;

export const READ = 'mcp-server/read';
export const WRITE = 'mcp-server/write';
/** The one browser origin the tests allow (the MCP Inspector's). */
export const ALLOWED_ORIGIN = 'http://localhost:6274';

/** mcp-tools as its HTTP-level tests see it: the kit's harness with mcp-tools' manifest, server and allowed origin. */
export function startMcpTools(options: { faultyStorage?: boolean } = {}): Promise<McpServerTestHarness> {
  return McpServerTestHarness.start(parseMcpServerManifest(manifestJson), TOOLS_SERVER, { env: { ALLOWED_ORIGINS: ALLOWED_ORIGIN }, faultyStorage: options.faultyStorage });
}
