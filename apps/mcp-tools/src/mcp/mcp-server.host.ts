import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import {
  ListToolsRequestSchema,
  type CallToolResult,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type ListToolsResult,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import type { Principal } from '@mcp-cognito/tokens';
import { RESOURCES, type ResourceDefinition } from '../resources';
import { TOOLS, type ToolContext, type ToolDefinition } from '../tools';
import { toolError } from '../tools/tool-definition';
import { MultiplexingTransport } from './multiplexing-transport';
import { scopesOutside } from '@mcp-cognito/oauth';

const SERVER_INFO = { name: 'mcp-tools', version: '1.0.0' };

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The one SDK `McpServer` of this process, built at startup and shared by every stateless POST through a
 * {@link MultiplexingTransport}. Tools, resources, their zod schemas, the JSON Schema validator and the
 * `tools/list` answer exist once; per request there is only the request itself and its caller, which
 * travels as `extra.authInfo` - never in the server, so one caller's identity cannot leak into another's
 * call. The server does record the last `initialize`'s client info and capabilities, as every SDK server
 * does; nothing here reads them (a stateless server sends no requests to clients). Keep it that way: a
 * `logging` capability (`logging/setLevel` is stored per session, and there is none), sampling, elicitation or a
 * task store would be per-connection state shared by every caller - the capabilities below are the whole list.
 */
@Injectable()
export class McpServerHost implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Mcp');
  private readonly transport = new MultiplexingTransport();
  private readonly server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    jsonSchemaValidator: new AjvJsonSchemaValidator(),
  });

  constructor(@Inject(REPOSITORIES) private readonly repositories: Repositories) {
    for (const tool of TOOLS) {
      this.server.registerTool(
        tool.name,
        { title: tool.title, description: tool.description, inputSchema: tool.inputSchema, annotations: tool.annotations },
        (args: unknown, extra: Extra) => this.runTool(tool, args, this.context(extra)),
      );
    }
    // The SDK converts every tool's zod schema to JSON Schema on each tools/list; the answer never changes.
    const toolsList: ListToolsResult = { tools: TOOLS.map(describeTool) };
    this.server.server.setRequestHandler(ListToolsRequestSchema, () => toolsList);
    for (const resource of RESOURCES) this.registerResource(resource);
  }

  async onModuleInit(): Promise<void> {
    await this.server.connect(this.transport);
  }

  /** After the HTTP server has stopped taking requests (Nest closes it before shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }

  /** Runs one POST's JSON-RPC requests for `principal`; one response per request, in order. */
  exchange(requests: readonly JSONRPCRequest[], principal: Principal): Promise<JSONRPCResponse[]> {
    const authInfo: AuthInfo = {
      // The token's id, not the token: nothing past the request gate needs, or holds, a usable bearer token.
      token: principal.jti,
      clientId: principal.clientId,
      scopes: [...principal.scopes],
      expiresAt: principal.expiresAt,
      extra: { principal },
    };
    return this.transport.exchange(requests, authInfo);
  }

  /** Requests handed to the server and not yet answered. */
  get inFlight(): number {
    return this.transport.inFlight;
  }

  private context(extra: Extra): ToolContext {
    const principal = extra.authInfo?.extra?.['principal'] as Principal | undefined;
    // Only exchange() feeds the server, and it always attaches the caller: reaching this is a bug, not a user error.
    if (principal === undefined) throw new Error('MCP request without an authenticated caller');
    return { principal, notes: this.repositories.notes };
  }

  private async runTool(tool: ToolDefinition, args: unknown, ctx: ToolContext): Promise<CallToolResult> {
    // Defence in depth: the HTTP layer already answered 403 for a missing scope (step-up challenge).
    if (scopesOutside(tool.requiredScopes, ctx.principal.scopes).length > 0) return toolError('Insufficient scope');
    try {
      return await tool.handler(args as never, ctx);
    } catch (err) {
      // Storage or programming errors: the model learns nothing internal, the log gets the cause.
      this.logger.error({ event: 'mcp.tool_failed', tool: tool.name, sub: ctx.principal.sub, err }, 'tool failed');
      return toolError(`${tool.name} failed; try again later`);
    }
  }

  private registerResource(resource: ResourceDefinition): void {
    const template = new ResourceTemplate(resource.uriTemplate, { list: (extra) => resource.list(this.context(extra)) });
    this.server.registerResource(
      resource.name,
      template,
      { title: resource.title, description: resource.description, mimeType: resource.mimeType },
      async (uri, variables, extra) => {
        const ctx = this.context(extra);
        if (scopesOutside(resource.requiredScopes, ctx.principal.scopes).length > 0) throw new Error('Insufficient scope');
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
