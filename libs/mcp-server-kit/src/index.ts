// The MCP server kit: everything an MCP server behind the gateway needs except its own tools (request gate, Protected
// Resource Metadata, both protocol eras on one endpoint, scope-gated tools and resources, request log, health).
export { createMcpServerApp } from './lib/app/create-mcp-server-app';
export { MAX_BODY_BYTES } from './lib/protocol/mcp.endpoint';
export { McpServerModule } from './lib/app/mcp-server.module';
export { defineMcpServer, usesStorage, type McpServerDefinition } from './lib/app/server-definition';
export { MCP_SERVER_CONFIG, MCP_SERVER_DEFINITION } from './lib/app/tokens';
export { defineTool, jsonResult, toolError, type HandlerContext, type ToolDefinition } from './lib/definitions/tool-definition';
export { defineResource, type ResourceDefinition } from './lib/definitions/resource-definition';
export { ACCESS_TOKEN_VERIFIER } from './lib/auth/access-token-verifier.provider';
export { ProtocolEndpoint, type EndpointAnswer, type EndpointRequest, type ProtocolEndpointOptions } from './lib/protocol/protocol-endpoint';
export { buildMcpServer, principalOf, type McpServerSpec } from './lib/protocol/server-builder';
export { MultiplexingTransport } from './lib/protocol/multiplexing-transport';
export { MAX_BATCH_REQUESTS, MAX_BATCH_RESPONSE_BYTES } from './lib/protocol/batches';
export { MODERN_REVISION } from './lib/protocol/fast-path';
export { mcpPathOf } from './lib/http/mcp-path';
export { buildProtectedResourceMetadata, type ProtectedResourceMetadata } from './lib/http/protected-resource-metadata';
