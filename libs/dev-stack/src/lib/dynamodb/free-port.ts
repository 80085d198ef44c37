import { createServer } from 'node:net';

/**
 * Asks the OS for a currently free TCP port on `host` (loopback by default).
 *
 * The port is released before this resolves, so another process could grab it in between; callers
 * that can listen on port 0 themselves should prefer that. Good enough for child processes (DynamoDB
 * Local, local-idp) that need a port number up front.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: server has no TCP address'));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}
