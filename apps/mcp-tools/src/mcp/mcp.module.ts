import { Module } from '@nestjs/common';
import { accessTokenVerifierProvider } from '../auth/access-token-verifier.provider';
import { McpRequestGate } from '../auth/mcp-request-gate';
import { RESOURCES } from '../resources';
import { TOOLS } from '../tools';
import { McpController } from './mcp.controller';
import { McpServerFactory } from './mcp-server.factory';
import { OperationScopes } from './operation-scopes';

/** `/mcp`: the request gate (Origin, bearer token), the scope check and the stateless MCP server. */
@Module({
  controllers: [McpController],
  providers: [
    accessTokenVerifierProvider,
    McpRequestGate,
    McpServerFactory,
    { provide: OperationScopes, useValue: new OperationScopes(TOOLS, RESOURCES) },
  ],
})
export class McpModule {}
