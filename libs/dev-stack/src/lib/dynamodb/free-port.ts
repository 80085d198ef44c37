import { createServer } from 'node:net';

/** Ports this process has handed out: a child that has not bound its port yet must not get a twin. */
const handedOut = new Set<number>();
const REMEMBERED = 4096;

/**
 * Asks the OS for a currently free TCP port on `host` (loopback by default), never one this process handed out
 * before: the OS may give the same free port to two calls in a row (it is released before this resolves), and two
 * children told to listen on it - local-idp's two origins, say - would collide.
 *
 * The port is released before this resolves, so another process could grab it in between; callers
 * that can listen on port 0 themselves should prefer that. Good enough for child processes (DynamoDB
 * Local, local-idp) that need a port number up front.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await osFreePort(host);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (handedOut.size > REMEMBERED) handedOut.delete(handedOut.values().next().value as number);
    return port;
  }
  throw new Error('freePort: the OS kept offering ports this process already handed out');
}

function osFreePort(host: string): Promise<number> {
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
