import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * The transport of ONE stateless POST whose answer is JSON: the messages are handed to the server
 * in-process and the promise resolves with the responses, one per JSON-RPC request. No Web
 * Request/Response bridge, no stream bookkeeping, nothing to close (both objects become garbage).
 */
export class StatelessJsonTransport implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly responses: JSONRPCMessage[] = [];
  private resolve!: (responses: JSONRPCMessage[]) => void;
  readonly done = new Promise<JSONRPCMessage[]>((r) => (this.resolve = r));

  constructor(private readonly expected: number) {}

  async start(): Promise<void> {
    // nothing to open: messages arrive through deliver()
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Notifications and server-to-client requests have no place in a JSON answer (as in the SDK's JSON mode).
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    this.responses.push(message);
    if (this.responses.length === this.expected) this.resolve(this.responses);
  }

  async close(): Promise<void> {
    // nothing to release: no streams, timers or maps outlive the request
  }

  deliver(messages: JSONRPCMessage[], extra: MessageExtraInfo): void {
    for (const m of messages) this.onmessage?.(m, extra);
  }

  static requestCount(messages: JSONRPCMessage[]): number {
    return messages.filter(isJSONRPCRequest).length;
  }
}
