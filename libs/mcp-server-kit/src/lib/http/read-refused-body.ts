import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read (and dropped) before its answer, at most: bodies a client may really send. */
export const REFUSED_BODY_MAX_BYTES = 8 * 1_048_576;
/** How long a refused body may take to arrive before it is answered anyway (ms). */
export const REFUSED_BODY_MAX_MS = 10_000;

/** `read`: the body arrived to its end; otherwise why the server stopped waiting for it. */
export type RefusedBodyOutcome = 'read' | 'too_large' | 'too_slow' | 'aborted';

export interface RefusedBodyBounds {
  /** @default REFUSED_BODY_MAX_BYTES */
  maxBytes?: number;
  /** @default REFUSED_BODY_MAX_MS */
  maxMs?: number;
}

/**
 * Reads the rest of a request body the server refuses (e.g. over its size limit) and drops it, within bounds, before
 * the answer closes the connection.
 *
 * Why: a server that closes a connection while the client is still sending leaves unread data in its socket, and TCP
 * answers that with a reset. The reset can reach the sender before the sender has read the answer: it sees a broken
 * pipe and never the 413 (RFC 9112 §9.6: "the reset packet might erase the client's unacknowledged input buffers before
 * they can be read"). Every sender is exposed - the local proxy (which then had nothing to pass on but 502), an ALB
 * (which answers 502 when its target closes with a request outstanding), a client sending straight to the service.
 * Reading the rest first means the close is a plain FIN after the answer.
 *
 * Bounded so that nobody can keep the server reading: a body declared larger than `maxBytes` is not read at all, and
 * reading stops at `maxBytes` or after `maxMs`; the caller answers anyway (such a sender may then miss the answer).
 */
export function readRefusedBody(request: IncomingMessage, bounds: RefusedBodyBounds = {}): Promise<RefusedBodyOutcome> {
  const maxBytes = bounds.maxBytes ?? REFUSED_BODY_MAX_BYTES;
  const maxMs = bounds.maxMs ?? REFUSED_BODY_MAX_MS;
  if (request.complete || request.readableEnded) return Promise.resolve('read');
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve('too_large');
  if (request.destroyed) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (outcome: RefusedBodyOutcome) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onAborted).off('close', onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish('too_large');
    };
    const onEnd = () => finish('read');
    const onAborted = () => finish('aborted');
    const onClose = () => finish(request.complete ? 'read' : 'aborted');
    const timer = setTimeout(() => finish('too_slow'), maxMs);
    request.on('data', onData).on('end', onEnd).on('error', onAborted).on('close', onClose);
    request.resume();
  });
}
