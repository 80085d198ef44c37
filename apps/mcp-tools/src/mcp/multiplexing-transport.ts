import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

interface Pending {
  readonly clientId: RequestId;
  readonly resolve: (response: JSONRPCResponse) => void;
}

/**
 * The transport of the ONE long-lived SDK server behind every stateless POST. Each request is handed to
 * the server under a fresh id (clients all start at 1, and the SDK keys its in-flight handlers by id);
 * the response is matched by that id and given back under the client's own id. The caller is passed as
 * `authInfo`, which the SDK hands to every handler as `extra.authInfo`: nothing about a caller lives in
 * the server or in this object beyond its request's lifetime.
 *
 * Only requests travel here. Client notifications and responses never do: in stateless JSON mode the
 * server sends no requests of its own (nothing to respond to), and a `notifications/cancelled` naming an
 * id must not reach a server that other callers share.
 */
export class MultiplexingTransport implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private open = false;

  async start(): Promise<void> {
    this.open = true;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Server notifications (logging, list changes) have no stream to go to in JSON mode, as in the SDK's own JSON mode.
    // The message comes from the SDK server, so a shape check is enough (the SDK's zod guards cost a parse per call).
    if (!('result' in message) && !('error' in message)) return;
    const id = message.id as number;
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    pending.resolve({ ...message, id: pending.clientId } as JSONRPCResponse);
  }

  /** Answers whatever is still in flight (shutdown): the HTTP requests end instead of hanging. */
  async close(): Promise<void> {
    this.open = false;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.resolve({ jsonrpc: '2.0', id: pending.clientId, error: { code: ErrorCode.ConnectionClosed, message: 'Server shutting down' } });
    }
    this.onclose?.();
  }

  /** Hands one POST's requests to the server; resolves with their responses, in the same order. */
  exchange(requests: readonly JSONRPCRequest[], authInfo: AuthInfo): Promise<JSONRPCResponse[]> {
    if (!this.open) return Promise.reject(new Error('MCP server not connected'));
    return Promise.all(requests.map((request) => this.exchangeOne(request, authInfo)));
  }

  /** How many requests are in the server right now (tests: nothing may be left behind). */
  get inFlight(): number {
    return this.pending.size;
  }

  private exchangeOne(request: JSONRPCRequest, authInfo: AuthInfo): Promise<JSONRPCResponse> {
    return new Promise((resolve) => {
      // A counter, not a random id: it only has to be unique among requests in flight, and 2^53 never wraps.
      const id = ++this.nextId;
      this.pending.set(id, { clientId: request.id, resolve });
      try {
        this.onmessage?.({ ...request, id }, { authInfo });
      } catch {
        // The SDK answers through send(), also for errors; should it ever throw instead, nothing may be left waiting.
        this.pending.delete(id);
        resolve({ jsonrpc: '2.0', id: request.id, error: { code: ErrorCode.InternalError, message: 'Internal error' } });
      }
    });
  }
}
