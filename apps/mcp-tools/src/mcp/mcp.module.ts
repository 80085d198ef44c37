import { Module } from '@nestjs/common';
import { accessTokenVerifierProvider } from '../auth/access-token-verifier.provider';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { RESOURCES } from '../resources';
import { TOOLS } from '../tools';
import { McpEndpoint } from './mcp.endpoint';
import { McpServerHost } from './mcp-server.host';
import { OperationScopes } from './operation-scopes';

/** `/mcp`: the request gate (Origin, bearer token), the scope check and the stateless MCP server. */
@Module({
  providers: [
    accessTokenVerifierProvider,
    McpRequestGate,
    McpServerHost,
    McpEndpoint,
    { provide: OperationScopes, useValue: new OperationScopes(TOOLS, RESOURCES) },
  ],
})
export class McpModule {}
