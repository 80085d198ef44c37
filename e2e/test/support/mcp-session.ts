import { Client as V2Client, StreamableHTTPClientTransport as V2Transport, UnauthorizedError as V2UnauthorizedError } from '@modelcontextprotocol/client';
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
/**
 * Which MCP SDK client runs the session: `v1` (`@modelcontextprotocol/sdk` 1.x, the 2025-11-25 handshake), or the v2
 * client (`@modelcontextprotocol/client`) pinned to 2026-07-28 (`v2-modern`) or negotiating (`v2-auto`).
 */
export type ClientSdk = 'v1' | 'v2-modern' | 'v2-auto';

/** What the sessions use of either SDK's client and transport (the same calls in both). */
interface SessionClient {
  connect(transport: never): Promise<void>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  close(): Promise<void>;
  getNegotiatedProtocolVersion?(): string | undefined;
}
interface SessionTransport {
  finishAuth(codeOrCallback: string | URLSearchParams): Promise<void>;
}

export class McpSession {
  readonly log: RecordedRequest[] = [];
  client!: SessionClient;
  transport!: SessionTransport;
  /** How many times the user had to go through the browser (finishAuth calls). */
  authorizations = 0;

  private constructor(
    readonly mcpUrl: string,
    readonly provider: InMemoryOAuthProvider,
    readonly sdk: ClientSdk,
  ) {}

  static async connect(mcpUrl: string, provider: InMemoryOAuthProvider, sdk: ClientSdk = 'v1'): Promise<McpSession> {
    const session = new McpSession(mcpUrl, provider, sdk);
    await session.open();
    return session;
  }

  private newClient(): { client: SessionClient; transport: SessionTransport & object } {
    const url = new URL(this.mcpUrl);
    const options = { authProvider: this.provider, fetch: recordingFetch(this.log, this.provider) };
    if (this.sdk === 'v1') return { client: new Client({ name: 'e2e-sdk-client', version: '1.0.0' }) as unknown as SessionClient, transport: new StreamableHTTPClientTransport(url, options) };
    const mode = this.sdk === 'v2-modern' ? { pin: '2026-07-28' as const } : ('auto' as const);
    return {
      client: new V2Client({ name: 'e2e-sdk-v2-client', version: '1.0.0' }, { versionNegotiation: { mode } }) as unknown as SessionClient,
      transport: new V2Transport(url, options),
    };
  }

  /** Redeems the code the browser leg brought back (the v2 client gets the whole callback, to check `iss` itself). */
  private finishAuth(): Promise<void> {
    return this.transport.finishAuth(this.sdk === 'v1' ? this.provider.takeCode() : this.provider.takeCallbackParams());
  }

  private isUnauthorized(error: unknown): boolean {
    return error instanceof UnauthorizedError || error instanceof V2UnauthorizedError;
  }

  private async open(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { client, transport } = this.newClient();
      this.client = client;
      this.transport = transport;
      try {
        await this.client.connect(transport as never);
        return;
      } catch (error) {
        if (!this.isUnauthorized(error) || attempt > 0) throw error;
        // The browser leg has run inside redirectToAuthorization: redeem the code, then connect again
        // (a started transport cannot be restarted).
        await this.finishAuth();
        this.authorizations++;
        await this.client.close().catch(() => undefined);
      }
    }
  }

  async callTool(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    try {
      return (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    } catch (error) {
      if (!this.isUnauthorized(error)) throw error;
      await this.finishAuth();
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
