import {
  WebStandardStreamableHTTPServerTransport,
  classifyInboundRequest,
  createMcpHandler,
  isJSONRPCRequest,
  isJsonContentType,
  type AuthInfo,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type McpHttpHandler,
  type McpServer,
} from '@modelcontextprotocol/server';
import { MAX_BATCH_REQUESTS, MAX_BATCH_RESPONSE_BYTES, batchingAllowed } from './batches';
import { MODERN_REVISION, isRoutineLegacyRequest, isRoutineModernRequest, type RequestHeaders } from './fast-path';
import { MultiplexingTransport, type Exchanged } from './multiplexing-transport';

/** One HTTP request to the MCP endpoint, after the request gate (the caller is in `authInfo`). */
export interface EndpointRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (POST). */
  body: unknown;
  authInfo: AuthInfo;
  /** Registers a callback for a client that goes away before its answer. */
  onClientGone(callback: () => void): void;
}

/** The HTTP answer; the caller copies it onto its response. */
export interface EndpointAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** An SSE stream (`text/event-stream`), passed through as it comes (e.g. `subscriptions/listen`); cancel it when the client goes away. */
  stream?: ReadableStream<Uint8Array>;
}

export interface ProtocolEndpointOptions {
  /** Builds a server with every tool and resource (cheap: schemas and handlers are built once, by the caller). */
  build: () => McpServer;
  /** The public URL of the endpoint (the MCP resource): the URL of the requests handed to the SDK. */
  url: string;
  /** Told about what the SDK reports (rejected requests, failed exchanges): debug logs. */
  onError?: (error: Error) => void;
  /** Told when the hot path is not available for an era (an SDK that no longer behaves as measured). */
  onFastPathUnavailable?: (era: 'modern' | 'legacy', reason: string) => void;
}

/** Shared by every answer: the caller copies headers onto its response and never changes this object. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });

function jsonRpcError(status: number, code: number, message: string, id: JSONRPCResponse['id'] | null = null): EndpointAnswer {
  return { status, headers: { ...JSON_HEADERS, ...(status === 405 ? { allow: 'POST' } : {}) }, body: JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }) };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The MCP endpoint, both protocol eras on one URL, on the official v2 SDK (`@modelcontextprotocol/server`):
 *
 * - Every request is classified by the SDK (`classifyInboundRequest`: the 2026-07-28 per-request `_meta` envelope
 *   decides the era, the standard headers are cross-checked against the body).
 * - Routine requests (tool calls and lists, resource reads; one request per POST, every standard header present and
 *   plain) are answered by ONE long-lived server per era, behind a {@link MultiplexingTransport}: the SDK's own
 *   per-request serving builds, connects and tears down a server for every request, which costs more than the
 *   whole authenticated tool call does (bench/README.md, "MCP 2026-07-28").
 * - Everything else goes to the SDK's documented per-request serving: `createMcpHandler` (modern: every ladder
 *   rejection, `server/discover` without its headers, notifications...) and the stateless streamable HTTP transport
 *   with JSON answers (2025 era: the `initialize` handshake, notifications, small batches, GET/DELETE), so every edge
 *   case is answered exactly as the SDK answers it.
 * The long-lived modern server is made modern by serving one `server/discover` through `createMcpHandler` at start;
 * a self-check then proves each long-lived server answers as its era must, or the hot path stays off.
 */
export class ProtocolEndpoint {
  private readonly modernHandler: McpHttpHandler;
  private readonly modern = new MultiplexingTransport();
  private readonly legacy = new MultiplexingTransport();
  private fastModern = false;
  private fastLegacy = false;
  private readonly longLived: McpServer[] = [];

  constructor(private readonly options: ProtocolEndpointOptions) {
    const report = (error: Error) => options.onError?.(error);
    this.modernHandler = createMcpHandler(() => options.build(), { legacy: 'reject', onerror: report });
  }

  /** Builds, marks and checks the long-lived servers. */
  async start(): Promise<void> {
    const modern = this.options.build();
    const legacy = this.options.build();
    this.longLived.push(modern, legacy);
    // The SDK marks a server modern when its entry serves a 2026-07-28 request with it.
    const warmUp = createMcpHandler(() => modern, { legacy: 'reject' });
    const discover = { jsonrpc: '2.0', id: 0, method: 'server/discover', params: { _meta: envelope() } };
    const warmed = await warmUp.fetch(this.request({ 'content-type': 'application/json', 'mcp-protocol-version': MODERN_REVISION, 'mcp-method': 'server/discover' }), { parsedBody: discover });
    await warmed.text();
    await modern.connect(this.modern);
    await legacy.connect(this.legacy);
    this.fastModern = await this.selfCheck('modern', await this.modern.exchange(listTools(true), { authInfo: SELF_CHECK_AUTH, classification: { era: 'modern', revision: MODERN_REVISION } }));
    this.fastLegacy = await this.selfCheck('legacy', await this.legacy.exchange(listTools(false), { authInfo: SELF_CHECK_AUTH }));
  }

  private async selfCheck(era: 'modern' | 'legacy', answer: Exchanged): Promise<boolean> {
    const result = 'result' in answer.response ? (answer.response.result as Record<string, unknown>) : undefined;
    const fine = answer.status === 200 && Array.isArray(result?.['tools']) && (era === 'modern' ? result?.['resultType'] === 'complete' : !('resultType' in (result ?? {})));
    if (!fine) this.options.onFastPathUnavailable?.(era, `tools/list answered ${JSON.stringify(answer.response).slice(0, 200)}`);
    return fine;
  }

  /** Requests in the long-lived servers right now. */
  get inFlight(): number {
    return this.modern.inFlight + this.legacy.inFlight;
  }

  /** Whether each era's hot path is on (tests and the start-up log). */
  get fastPaths(): { modern: boolean; legacy: boolean } {
    return { modern: this.fastModern, legacy: this.fastLegacy };
  }

  async handle(req: EndpointRequest): Promise<EndpointAnswer> {
    const method = req.method.toUpperCase();
    if (method !== 'POST') return jsonRpcError(405, -32000, 'Method not allowed.');
    if (!isJsonContentType(single(req.headers['content-type']))) return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    const headers: RequestHeaders = {
      accept: single(req.headers['accept']),
      'mcp-protocol-version': single(req.headers['mcp-protocol-version']),
      'mcp-method': single(req.headers['mcp-method']),
      'mcp-name': single(req.headers['mcp-name']),
    };
    const outcome = classifyInboundRequest({
      httpMethod: 'POST',
      protocolVersionHeader: headers['mcp-protocol-version'],
      mcpMethodHeader: headers['mcp-method'],
      mcpNameHeader: headers['mcp-name'],
      body: req.body,
    });
    if (this.fastModern && isRoutineModernRequest(outcome, headers)) {
      return this.answer(this.modern, outcome.message, { authInfo: req.authInfo, classification: outcome.classification }, req);
    }
    if (outcome.kind === 'legacy') {
      if (Array.isArray(req.body)) return this.batch(req, headers);
      // A `no-claim` outcome means the SDK found the body to be one JSON-RPC request (not a batch, not a notification).
      if (this.fastLegacy && isRoutineLegacyRequest(outcome, req.body as JSONRPCRequest, headers)) return this.answer(this.legacy, req.body as JSONRPCRequest, { authInfo: req.authInfo }, req);
      return this.legacyPerRequest(req);
    }
    return this.fromResponse(await this.modernHandler.fetch(this.request(req.headers), { parsedBody: req.body, authInfo: req.authInfo }));
  }

  async close(): Promise<void> {
    await this.modernHandler.close();
    for (const server of this.longLived) await server.close();
  }

  private async answer(transport: MultiplexingTransport, request: JSONRPCRequest, extra: Parameters<MultiplexingTransport['exchange']>[1], req: EndpointRequest): Promise<EndpointAnswer> {
    let internalId: number | undefined;
    let answered = false;
    req.onClientGone(() => {
      if (!answered && internalId !== undefined) transport.cancel(internalId);
    });
    const { response, status } = await transport.exchange(request, extra, (id) => (internalId = id));
    answered = true;
    return { status, headers: JSON_HEADERS, body: JSON.stringify(response) };
  }

  /**
   * A 2025-era JSON-RPC batch (see `batches.ts`): refused where the client's revision has no batches, bounded where
   * it has; its routine requests are answered one by one, notifications and responses in it need no answer.
   */
  private async batch(req: EndpointRequest, headers: RequestHeaders): Promise<EndpointAnswer> {
    const messages = req.body as unknown[];
    if (!batchingAllowed(headers['mcp-protocol-version'])) {
      return jsonRpcError(400, -32600, `Invalid Request: JSON-RPC batches are not supported in protocol version ${headers['mcp-protocol-version']} (one message per POST)`);
    }
    const requests = messages.filter(isJSONRPCRequest);
    if (messages.length === 0 || requests.length > MAX_BATCH_REQUESTS) {
      return jsonRpcError(400, -32600, `Invalid Request: a batch holds 1 to ${MAX_BATCH_REQUESTS} requests`);
    }
    if (requests.length === 0) return { status: 202, headers: {} };
    const responses: JSONRPCResponse[] = [];
    let bytes = 2;
    for (const request of requests) {
      const single = isRoutineLegacyRequest({ kind: 'legacy', reason: 'no-claim' }, request, headers)
        ? (await this.legacy.exchange(request, { authInfo: req.authInfo })).response
        : ({ jsonrpc: '2.0', id: request.id, error: { code: -32600, message: `Invalid Request: ${request.method} cannot be batched` } } as JSONRPCResponse);
      const size = Buffer.byteLength(JSON.stringify(single)) + 1;
      bytes += size;
      responses.push(
        bytes <= MAX_BATCH_RESPONSE_BYTES ? single : ({ jsonrpc: '2.0', id: request.id, error: { code: -32603, message: 'The batch answer is too large: send this request on its own' } } as JSONRPCResponse),
      );
    }
    return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(responses) };
  }

  /** 2025-era serving as the SDK documents it, one server per request, answering JSON (as every 2025 client accepts). */
  private async legacyPerRequest(req: EndpointRequest): Promise<EndpointAnswer> {
    const server = this.options.build();
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    try {
      await server.connect(transport);
      return await this.fromResponse(await transport.handleRequest(this.request(req.headers), { parsedBody: req.body, authInfo: req.authInfo }));
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return jsonRpcError(500, -32603, 'Internal server error', isJSONRPCRequest(req.body) ? req.body.id : null);
    } finally {
      await transport.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    }
  }

  /** A web Request carrying the headers the SDK reads (the body is handed over parsed, never re-read). */
  private request(headers: Record<string, string | string[] | undefined>): Request {
    const copy = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') copy.set(name, value);
      else if (Array.isArray(value)) for (const v of value) copy.append(name, v);
    }
    return new Request(this.options.url, { method: 'POST', headers: copy });
  }

  private async fromResponse(response: Response): Promise<EndpointAnswer> {
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    // A stream answers as it goes (and may stay open): never buffered.
    if (response.body !== null && (headers['content-type'] ?? '').startsWith('text/event-stream')) return { status: response.status, headers, stream: response.body };
    const body = response.body === null ? undefined : await response.text();
    return { status: response.status, headers, body: body === '' ? undefined : body };
  }
}

/** The 2026-07-28 per-request envelope of the endpoint's own start-up requests. */
function envelope() {
  return { 'io.modelcontextprotocol/protocolVersion': MODERN_REVISION, 'io.modelcontextprotocol/clientCapabilities': {} };
}

function listTools(modern: boolean): JSONRPCRequest {
  return { jsonrpc: '2.0', id: 0, method: 'tools/list', params: modern ? { _meta: envelope() } : {} };
}

/** The caller of the start-up self-check (tools/list runs no handler of ours). */
const SELF_CHECK_AUTH: AuthInfo = { token: 'self-check', clientId: 'self-check', scopes: [] };
