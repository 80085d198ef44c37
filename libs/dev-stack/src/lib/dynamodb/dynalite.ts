import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmbeddedDynamoDb } from './types';

export interface StartDynaliteOptions {
  /** Port to listen on; a free one is chosen when omitted. */
  port?: number;
  /** Interface to bind. Loopback only by default: never expose a dev database. */
  host?: string;
}

type DynaliteFactory = (options: Record<string, unknown>) => Server;

/**
 * Starts dynalite (a pure-JS DynamoDB API on LevelDB, in memory) inside this process.
 *
 * Limits that matter to callers (docs/STACK.md): no transactions, no TTL deletion, no
 * UpdateTimeToLive, ignores `ReturnValuesOnConditionCheckFailure`. Tables become ACTIVE at once.
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<EmbeddedDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${urlHost}:${port}`,
    engine: 'dynalite',
    runtime: 'in-process',
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of SDK clients would hold close() open; the data is in memory anyway.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      return stopped;
    },
  };
}
