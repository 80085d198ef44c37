import {
  ProtocolErrorCode,
  type AuthInfo,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type MessageClassification,
  type RequestId,
  type Transport,
} from '@modelcontextprotocol/server';

/** One answered exchange: the JSON-RPC response under the client's id, and the HTTP status it travels with. */
export interface Exchanged {
  response: JSONRPCResponse;
  status: number;
}

interface Pending {
  readonly clientId: RequestId;
  readonly resolve: (exchanged: Exchanged) => void;
}

/**
 * HTTP statuses of JSON-RPC errors the protocol raises while it dispatches a request (before any handler runs), as
 * the SDK's own HTTP transports answer them (MCP 2026-07-28 streamable HTTP: 404 for an unknown method, 400 for the
 * rest); an error a handler returns travels in band with 200. `-32021` (missing client capability) is always 400.
 */
/** MCP 2026-07-28 `HeaderMismatch` (streamable HTTP, "Header validation"); the SDK keeps the constant internal. */
const HEADER_MISMATCH = -32020;

const DISPATCH_ERROR_STATUS: Readonly<Record<number, number>> = {
  [ProtocolErrorCode.ParseError]: 400,
  [ProtocolErrorCode.InvalidRequest]: 400,
  [ProtocolErrorCode.MethodNotFound]: 404,
  [ProtocolErrorCode.UnsupportedProtocolVersion]: 400,
  [ProtocolErrorCode.MissingRequiredClientCapability]: 400,
  [HEADER_MISMATCH]: 400,
};

/**
 * The transport of ONE long-lived SDK server that answers every request of its protocol era in this process.
 *
 * Each request is handed to the server under a fresh id (clients all start at 1, and the SDK keys its in-flight
 * handlers by id); the answer is matched by that id and given back under the client's own id. The caller travels as
 * `authInfo` (handlers read it as `ctx.http.authInfo`) and the edge's era classification as `classification` (the
 * protocol checks it against the server's era): nothing about a caller lives in the server or here beyond its
 * request. Only requests travel here - never a client's notifications or responses: a `notifications/cancelled`
 * naming an id must not reach a server other callers share. Cancelling is this transport's own business
 * ({@link cancel}), by the id it chose.
 */
export class MultiplexingTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly pending = new Map<number, Pending>();
  /** The internal id being dispatched right now (errors sent synchronously get the dispatch status). */
  private dispatching: number | undefined;
  private nextId = 0;
  private open = false;

  async start(): Promise<void> {
    this.open = true;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Server notifications (progress, logs) have no stream to go to in JSON mode, as in the SDK's own JSON mode.
    if (!('result' in message) && !('error' in message)) return;
    const id = message.id as number;
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    const code = 'error' in message ? message.error.code : undefined;
    const dispatchStatus = code === undefined ? undefined : DISPATCH_ERROR_STATUS[code];
    const status = dispatchStatus !== undefined && (this.dispatching === id || code === ProtocolErrorCode.MissingRequiredClientCapability) ? dispatchStatus : 200;
    pending.resolve({ response: { ...message, id: pending.clientId } as JSONRPCResponse, status });
  }

  /** Answers whatever is still in flight (shutdown): the HTTP requests end instead of hanging. */
  async close(): Promise<void> {
    this.open = false;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.resolve({ response: { jsonrpc: '2.0', id: pending.clientId, error: { code: ProtocolErrorCode.InternalError, message: 'Server shutting down' } }, status: 503 });
    }
    this.onclose?.();
  }

  /**
   * Hands one request to the server; resolves with its answer. `onId` receives the internal id, for {@link cancel}.
   * Never rejects: a server that throws synchronously yields an internal error, so nothing is left waiting.
   */
  exchange(request: JSONRPCRequest, extra: { authInfo: AuthInfo; classification?: MessageClassification }, onId?: (id: number) => void): Promise<Exchanged> {
    if (!this.open) return Promise.resolve(internalError(request.id, 'MCP server not connected'));
    return new Promise((resolve) => {
      // A counter, not a random id: it only has to be unique among requests in flight, and 2^53 never wraps.
      const id = ++this.nextId;
      this.pending.set(id, { clientId: request.id, resolve });
      onId?.(id);
      this.dispatching = id;
      try {
        this.onmessage?.({ ...request, id }, extra);
      } catch {
        this.pending.delete(id);
        resolve(internalError(request.id, 'Internal error'));
      } finally {
        this.dispatching = undefined;
      }
    });
  }

  /**
   * The client went away before its answer (transport spec: closing the stream means cancellation): the handler's
   * signal is aborted through the protocol's own cancellation, by the id this transport gave the request.
   */
  cancel(id: number): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'client disconnected' } });
    // Nobody reads this answer (the client is gone); it only ends the exchange (499: the client closed the request).
    pending.resolve({ response: { jsonrpc: '2.0', id: pending.clientId, error: { code: ProtocolErrorCode.InternalError, message: 'Request cancelled: the client went away' } }, status: 499 });
  }

  /** How many requests are in the server right now (tests: nothing may be left behind). */
  get inFlight(): number {
    return this.pending.size;
  }
}

function internalError(id: RequestId, message: string): Exchanged {
  return { response: { jsonrpc: '2.0', id, error: { code: ProtocolErrorCode.InternalError, message } }, status: 500 };
}
