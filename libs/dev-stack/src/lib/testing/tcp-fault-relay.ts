import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * - `pass`: forwards both directions (a healthy network path);
 * - `hang`: accepts and reads, forwards nothing, on new and existing connections (a paused engine or a
 *   black-holed path: requests never answer);
 * - `down`: resets every connection, open or new (a killed engine).
 */
export type RelayMode = 'pass' | 'hang' | 'down';

/**
 * A real TCP hop between a client and a server (e.g. a service and its DynamoDB engine), on loopback, that can
 * stall, drop or lose traffic on demand: the network faults timeouts have to handle, produced without a mock of the
 * server. Tests only.
 */
export class TcpFaultRelay {
  private current: RelayMode = 'pass';
  private readonly sockets = new Set<Socket>();
  private loseNext = false;

  get mode(): RelayMode {
    return this.current;
  }

  /** Switches the fault; `down` also resets the connections already open. */
  set mode(mode: RelayMode) {
    this.current = mode;
    if (mode === 'down') for (const socket of this.sockets) socket.resetAndDestroy();
  }

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string): Promise<TcpFaultRelay> {
    const { hostname, port } = new URL(target);
    const holder: { relay?: TcpFaultRelay } = {};
    const server = createServer((client) => holder.relay?.accept(client, hostname, Number(port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.relay = new TcpFaultRelay(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.relay;
  }

  /**
   * The next request (on a new or a pooled connection) reaches the engine, but nothing the engine answers on that
   * connection reaches the client: a write that lands and whose answer is lost. Later requests pass.
   */
  loseNextAnswer(): void {
    this.loseNext = true;
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    this.track(client);
    let losesAnswers = false;
    const upstream = connect(port, host);
    this.track(upstream);
    // Checked per chunk, so a fault also hits connections the client already holds (keep-alive), as a paused
    // engine does.
    client.on('data', (chunk) => {
      if (this.mode === 'hang') return;
      if (this.loseNext) {
        this.loseNext = false;
        losesAnswers = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode !== 'hang' && !losesAnswers) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
