import type { DynamoClients } from '../../src';

/** Counts DynamoDB operations sent through `clients` (by command name) until `stop()`. */
export function countRequests(clients: DynamoClients): { readonly ops: string[]; stop(): void } {
  const ops: string[] = [];
  const name = `request-counter-${Math.random()}`;
  clients.client.middlewareStack.add(
    (next, context) => async (args) => {
      ops.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { ops, stop: () => void clients.client.middlewareStack.remove(name) };
}
