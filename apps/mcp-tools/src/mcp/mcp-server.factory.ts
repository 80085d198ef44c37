import { Inject, Injectable, Logger } from '@nestjs/common';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import { ListToolsRequestSchema, type CallToolResult, type ListToolsResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import type { Principal } from '@mcp-cognito/tokens';
import { RESOURCES, type ResourceDefinition } from '../resources';
import { TOOLS, type ToolContext, type ToolDefinition } from '../tools';
import { toolError } from '../tools/tool-definition';
import { missingScopes } from './scopes';

const SERVER_INFO = { name: 'mcp-tools', version: '1.0.0' };

/**
 * Builds the per-request MCP server. Stateless Streamable HTTP needs a fresh server and transport per
 * POST, so everything that can be computed once is computed here, at startup:
 * - the `tools/list` answer (zod -> JSON Schema conversion, which the SDK would redo on every list);
 * - the JSON Schema validator (the SDK's default builds a new Ajv instance per server);
 * - parsed URI templates and the zod schemas themselves (zod compiles a schema on first use and keeps it).
 * What remains per request is registering a handful of closures over the caller's identity.
 */
@Injectable()
export class McpServerFactory {
  private readonly logger = new Logger('Mcp');
  private readonly toolsList: ListToolsResult = { tools: TOOLS.map(describeTool) };
  private readonly jsonSchemaValidator = new AjvJsonSchemaValidator();

  constructor(@Inject(REPOSITORIES) private readonly repositories: Repositories) {}

  create(principal: Principal): McpServer {
    const ctx: ToolContext = { principal, notes: this.repositories.notes };
    const server = new McpServer(SERVER_INFO, {
      capabilities: { tools: {}, resources: {} },
      jsonSchemaValidator: this.jsonSchemaValidator,
    });
    for (const tool of TOOLS) {
      server.registerTool(
        tool.name,
        { title: tool.title, description: tool.description, inputSchema: tool.inputSchema, annotations: tool.annotations },
        (args: unknown) => this.runTool(tool, args, ctx),
      );
    }
    // Replaces the SDK's list handler (same shape, computed once) - registered after the tools on purpose.
    server.server.setRequestHandler(ListToolsRequestSchema, () => this.toolsList);
    for (const resource of RESOURCES) this.registerResource(server, resource, ctx);
    return server;
  }

  private async runTool(tool: ToolDefinition, args: unknown, ctx: ToolContext): Promise<CallToolResult> {
    // Defence in depth: the HTTP layer already answered 403 for a missing scope (step-up challenge).
    if (missingScopes(tool.requiredScopes, ctx.principal.scopes).length > 0) return toolError('Insufficient scope');
    try {
      return await tool.handler(args as never, ctx);
    } catch (err) {
      // Storage or programming errors: the model learns nothing internal, the log gets the cause.
      this.logger.error({ event: 'mcp.tool_failed', tool: tool.name, sub: ctx.principal.sub, err }, 'tool failed');
      return toolError(`${tool.name} failed; try again later`);
    }
  }

  private registerResource(server: McpServer, resource: ResourceDefinition, ctx: ToolContext): void {
    const template = new ResourceTemplate(resource.uriTemplate, { list: () => resource.list(ctx) });
    server.registerResource(
      resource.name,
      template,
      { title: resource.title, description: resource.description, mimeType: resource.mimeType },
      async (uri, variables) => {
        if (missingScopes(resource.requiredScopes, ctx.principal.scopes).length > 0) throw new Error('Insufficient scope');
        return resource.read(uri, variables, ctx);
      },
    );
  }
}

/** The `tools/list` entry of a tool, rendered exactly as the SDK's own list handler renders it. */
function describeTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: toJsonSchemaCompat(tool.inputSchema, { strictUnions: true, pipeStrategy: 'input' }) as Tool['inputSchema'],
    annotations: tool.annotations,
    execution: { taskSupport: 'forbidden' },
  };
}
