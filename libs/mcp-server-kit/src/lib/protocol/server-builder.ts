import { McpServer, ProtocolError, ProtocolErrorCode, ResourceTemplate, type CacheHint, type ServerContext } from '@modelcontextprotocol/server';
import { scopesOutside } from '@mcp-cognito/oauth';
import { isStorageUnavailable, type StorageUnavailableError } from '@mcp-cognito/storage';
import type { Principal } from '@mcp-cognito/tokens';
import type { ResourceDefinition } from '../definitions/resource-definition';
import { toolError, type HandlerContext, type ToolDefinition } from '../definitions/tool-definition';

/** What an MCP server is: its identity, its tools and resources, and what their handlers get. */
export interface McpServerSpec<Deps> {
  /** Implementation identity (name, version), in `initialize` results and every 2026-07-28 result's `_meta`. */
  readonly info: { name: string; version: string; title?: string };
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition<Deps>[];
  readonly resources: readonly ResourceDefinition<Deps>[];
  readonly dependencies: Deps;
  /** A tool call that takes longer is answered with a JSON-RPC error and its signal aborted. */
  readonly toolCallTimeoutMs: number;
  /** Told about every tool call that reaches its handler (metrics). */
  readonly onToolCall?: (tool: string) => void;
  /** Told about a tool call that ran past `toolCallTimeoutMs` (metrics, logs). */
  readonly onToolDeadline?: (tool: string) => void;
  /** Told about a tool whose handler threw (the caller gets a generic tool error): events and logs. */
  readonly onToolFailure?: (tool: string, principal: Principal, error: unknown) => void;
  /**
   * Told about a tool call or resource request the table could not serve in time (the caller is told to try again):
   * an outage, not a bug.
   */
  readonly onStorageUnavailable?: (operation: string, error: StorageUnavailableError) => void;
}

/** What a caller reads when the table did not answer: not its fault, and worth retrying (the same words everywhere). */
export function temporarilyUnavailable(operation: string, error: StorageUnavailableError): string {
  return `${operation} is temporarily unavailable (its storage did not answer); try again in ${error.retryAfterSeconds} seconds`;
}

/**
 * A resource handler's failure as the JSON-RPC error the caller gets: protocol errors as thrown (not found, scope);
 * a storage outage as "temporarily unavailable, try again" (-32603 with `retryAfterSeconds` in `data`); anything
 * else as a bare internal error - the SDK would otherwise put the error's own message on the wire.
 */
function resourceError<Deps>(spec: McpServerSpec<Deps>, operation: string, error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (isStorageUnavailable(error)) {
    spec.onStorageUnavailable?.(operation, error);
    return new ProtocolError(ProtocolErrorCode.InternalError, temporarilyUnavailable(operation, error), { retryAfterSeconds: error.retryAfterSeconds });
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, 'Internal error');
}

/**
 * Cache hints of the 2026-07-28 cacheable results (MCP "Caching"): what is the same for every caller may be `public`
 * and kept a few minutes (the tool, prompt and template lists, discovery); anything derived from the caller is `private` and
 * not kept (`resources/list` lists the caller's own items; each resource sets its own read hint). 2025-era results
 * carry no hints.
 */
const SHARED: CacheHint = { ttlMs: 300_000, cacheScope: 'public' };
const CACHE_HINTS = {
  'tools/list': SHARED,
  'prompts/list': SHARED,
  'resources/templates/list': SHARED,
  'server/discover': SHARED,
  'resources/list': { ttlMs: 0, cacheScope: 'private' },
} as const;

/** The verified caller: the request gate attaches it, every path into the protocol passes it as `authInfo`. */
export function principalOf(ctx: Pick<ServerContext, 'http'>): Principal {
  const principal = ctx.http?.authInfo?.extra?.['principal'] as Principal | undefined;
  // Only the endpoint feeds the protocol, and it always attaches the caller: reaching this is a bug, not a user error.
  if (principal === undefined) throw new Error('MCP request without an authenticated caller');
  return principal;
}

/**
 * Builds one SDK server for `spec`. Schemas, handlers and dependencies are the spec's (built once); the server is
 * cheap, and the endpoint keeps a few long-lived ones. Tools are registered in declaration order (MCP 2026-07-28:
 * a deterministic `tools/list`).
 */
export function buildMcpServer<Deps>(spec: McpServerSpec<Deps>): McpServer {
  const server = new McpServer(spec.info, {
    // Prompts are declared (and listed, empty) so that every cacheable list of MCP 2026-07-28 answers, with its hints.
    capabilities: { tools: {}, prompts: {}, ...(spec.resources.length > 0 ? { resources: {} } : {}) },
    ...(spec.instructions !== undefined ? { instructions: spec.instructions } : {}),
    cacheHints: CACHE_HINTS,
  });
  for (const tool of spec.tools) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.inputSchema, annotations: tool.annotations },
      (args: unknown, ctx: ServerContext) => runTool(spec, tool, args, ctx),
    );
  }
  for (const resource of spec.resources) {
    const template = new ResourceTemplate(resource.uriTemplate, {
      list: (ctx) =>
        resource.list(handlerContext(spec, principalOf(ctx), ctx.mcpReq.signal)).catch((error: unknown) => {
          throw resourceError(spec, 'resources/list', error);
        }),
    });
    server.registerResource(
      resource.name,
      template,
      { title: resource.title, description: resource.description, mimeType: resource.mimeType, cacheHint: resource.cache },
      async (uri, variables, ctx) => {
        const principal = principalOf(ctx);
        // Defence in depth: the endpoint already answered 403 for a missing scope (step-up challenge).
        if (scopesOutside(resource.requiredScopes, principal.scopes).length > 0) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, 'Insufficient scope');
        return resource.read(uri, variables, handlerContext(spec, principal, ctx.mcpReq.signal)).catch((error: unknown) => {
          throw resourceError(spec, 'resources/read', error);
        });
      },
    );
  }
  return server;
}

/** A tool call ran past `TOOL_CALL_TIMEOUT_MS`. */
class ToolDeadlinePassed extends Error {}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function handlerContext<Deps>(spec: McpServerSpec<Deps>, principal: Principal, signal: AbortSignal): HandlerContext<Deps> {
  return { ...spec.dependencies, principal, signal };
}

async function runTool<Deps>(spec: McpServerSpec<Deps>, tool: ToolDefinition<Deps>, args: unknown, ctx: ServerContext) {
  const principal = principalOf(ctx);
  // Defence in depth: the endpoint already answered 403 for a missing scope (step-up challenge).
  if (scopesOutside(tool.requiredScopes, principal.scopes).length > 0) return toolError('Insufficient scope');
  spec.onToolCall?.(tool.name);
  // One signal for the handler: the call's deadline, or the client going away (the protocol aborts its own signal).
  // Made when the handler first reads `signal`: a controller plus a listener on the protocol's signal is per-call
  // work that a handler which never looks at it (whoami) need not pay (bench/README.md, fourth pass). Read late, it
  // is born aborted when the deadline has passed or the client has gone.
  const request = ctx.mcpReq.signal;
  let call: AbortController | undefined;
  let passed: ToolDeadlinePassed | undefined;
  const cancelled = () => call?.abort(request.reason);
  const signal = (): AbortSignal => {
    if (call === undefined) {
      call = new AbortController();
      if (passed !== undefined) call.abort(passed);
      else if (request.aborted) call.abort(request.reason);
      else request.addEventListener('abort', cancelled, { once: true });
    }
    return call.signal;
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      passed = new ToolDeadlinePassed(`${tool.name} did not finish within ${duration(spec.toolCallTimeoutMs)}; try again later`);
      // Settle the race first: aborting runs the handler's abort listeners, which may reject it at once.
      reject(passed);
      call?.abort(passed);
    }, spec.toolCallTimeoutMs);
  });
  try {
    const context = { ...spec.dependencies, principal, get signal() { return signal(); } } as HandlerContext<Deps>;
    return await Promise.race([tool.handler(args as never, context), deadline]);
  } catch (error) {
    // A passed deadline says so; a handler failure is a tool error the model can see, with nothing internal in it
    // (the log gets the cause). Both travel as tool results (`isError`): the SDK reports every error a tool throws
    // that way (MCP tools, "Error Handling": tool execution errors belong in the result), and a protocol error a
    // tool throws on purpose passes through.
    if (error instanceof ToolDeadlinePassed) {
      spec.onToolDeadline?.(tool.name);
      return toolError(error.message);
    }
    if (error instanceof ProtocolError) throw error;
    // The table did not answer within its budget: not the model's fault nor a bug - say so, and that a retry helps.
    if (isStorageUnavailable(error)) {
      spec.onStorageUnavailable?.(tool.name, error);
      return toolError(temporarilyUnavailable(tool.name, error));
    }
    spec.onToolFailure?.(tool.name, principal, error);
    return toolError(`${tool.name} failed; try again later`);
  } finally {
    clearTimeout(timer);
    if (call !== undefined) request.removeEventListener('abort', cancelled);
  }
}
