// Test helpers for servers on the kit (their HTTP-level tests): never imported by production code.
export { McpServerTestHarness, TEST_USERS, resultJson, resultText, type McpServerTestOptions, type RawPostOptions, type TestUser } from './mcp-server-harness';
