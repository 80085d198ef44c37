import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { InMemoryOAuthProvider } from './in-memory-oauth-provider';

/** One HTTP request the SDK made (MCP calls, discovery, registration, token requests). */
export interface RecordedRequest {
  method: string;
  url: URL;
  status: number;
  /** `grant_type` of token requests. */
  grantType?: string;
  wwwAuthenticate?: string;
}

function formField(body: unknown, name: string): string | undefined {
  if (body instanceof URLSearchParams) return body.get(name) ?? undefined;
  if (typeof body === 'string') return new URLSearchParams(body).get(name) ?? undefined;
  return undefined;
}

/** `scope="..."` of a `WWW-Authenticate: Bearer error="insufficient_scope"` challenge. */
export function insufficientScope(header: string | null): string[] | undefined {
  if (!header || !/error="insufficient_scope"/.test(header)) return undefined;
  return /scope="([^"]*)"/.exec(header)?.[1]?.split(' ').filter(Boolean) ?? [];
}

/**
 * The `fetch` given to the SDK transport: records every request it makes (MCP, discovery,
 * registration, token) and tells the provider about `insufficient_scope` challenges.
 */
export function recordingFetch(log: RecordedRequest[], provider: InMemoryOAuthProvider): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const response = await fetch(input, init);
    const wwwAuthenticate = response.headers.get('www-authenticate') ?? undefined;
    log.push({ method, url, status: response.status, grantType: formField(init?.body, 'grant_type'), wwwAuthenticate });
    if (response.status === 403) {
      const required = insufficientScope(response.headers.get('www-authenticate'));
      if (required) provider.noteInsufficientScope(required);
    }
    return response;
  };
}

/**
 * An MCP client session the way an agent on the SDK runs one: the transport's `authProvider` does
 * discovery, registration, token requests and refreshes; when it needs the user (a new authorization)
 * the call fails with `UnauthorizedError`, the provider holds the code from the browser leg, and the
 * session calls `transport.finishAuth(code)` and tries again.
 */
export class McpSession {
  readonly log: RecordedRequest[] = [];
  client!: Client;
  transport!: StreamableHTTPClientTransport;
  /** How many times the user had to go through the browser (finishAuth calls). */
  authorizations = 0;

  private constructor(
    readonly mcpUrl: string,
    readonly provider: InMemoryOAuthProvider,
  ) {}

  static async connect(mcpUrl: string, provider: InMemoryOAuthProvider): Promise<McpSession> {
    const session = new McpSession(mcpUrl, provider);
    await session.open();
    return session;
  }

  private newTransport(): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL(this.mcpUrl), { authProvider: this.provider, fetch: recordingFetch(this.log, this.provider) });
  }

  private async open(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.transport = this.newTransport();
      this.client = new Client({ name: 'e2e-sdk-client', version: '1.0.0' });
      try {
        await this.client.connect(this.transport);
        return;
      } catch (error) {
        if (!(error instanceof UnauthorizedError) || attempt > 0) throw error;
        // The browser leg has run inside redirectToAuthorization: redeem the code, then connect again
        // (a started transport cannot be restarted).
        await this.transport.finishAuth(this.provider.takeCode());
        this.authorizations++;
        await this.client.close().catch(() => undefined);
      }
    }
  }

  async callTool(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    try {
      return (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      await this.transport.finishAuth(this.provider.takeCode());
      this.authorizations++;
      return (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    }
  }

  /** `structuredContent` of a successful tool result. */
  async callJson<T = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    const result = await this.callTool(name, args);
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as T;
  }

  /** Requests recorded since index `from`, as `METHOD path status [grant]` lines (easy to read in a failure). */
  trace(from = 0): string[] {
    return this.log.slice(from).map((r) => `${r.method} ${r.url.pathname} ${r.status}${r.grantType ? ` ${r.grantType}` : ''}`);
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
  }
}
