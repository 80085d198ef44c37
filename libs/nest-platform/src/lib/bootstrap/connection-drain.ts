import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Asks for the connection of `res` to be closed once its response is complete (`Connection: close`). */
function closeAfterResponse(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
  res.shouldKeepAlive = false;
}

/**
 * Tracks the requests in flight on one HTTP server and drains it: once draining starts, every response asks its
 * client to close the connection (clients and load balancers reconnect elsewhere instead of reusing it); `close`
 * stops accepting, closes idle keep-alive connections (again every 100 ms, as in-flight ones finish) and waits until
 * every connection is gone or the deadline passes.
 */
export class ConnectionDrain {
  private readonly open = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    // First listener: it runs before the framework's handler writes anything.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => this.track(res));
  }

  /** Requests whose response has not finished (or been cut). */
  get inFlight(): number {
    return this.open.size;
  }

  /** From now on every response closes its connection. */
  startDraining(): void {
    this.draining = true;
    for (const res of this.open) closeAfterResponse(res);
  }

  /**
   * Stops accepting connections and waits for in-flight requests until `deadline` (epoch ms).
   * @returns the number of requests still in flight at the deadline (0: drained)
   */
  async close(deadline: number): Promise<number> {
    this.startDraining();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const sweep = setInterval(() => this.server.closeIdleConnections(), 100);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    try {
      await Promise.race([closed, expired]);
    } finally {
      clearInterval(sweep);
      clearTimeout(timer);
    }
    return this.open.size;
  }

  /** Cuts every remaining connection (the grace has passed). */
  forceClose(): void {
    this.server.closeAllConnections();
  }

  private track(res: ServerResponse): void {
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    if (this.draining) closeAfterResponse(res);
  }
}
