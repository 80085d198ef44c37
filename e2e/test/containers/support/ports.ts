import { connect } from 'node:net';

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Throws a clear message naming every port that is already in use (a stack of the user's, `npm start`...). */
export async function assertPortsFree(ports: number[], why: string): Promise<void> {
  const busy: number[] = [];
  for (const port of ports) if (await portAnswers(port)) busy.push(port);
  if (busy.length > 0) {
    throw new Error(`127.0.0.1 port(s) ${busy.join(', ')} already in use; ${why} needs them free (stop \`npm start\`, \`docker compose up\` or whatever listens there)`);
  }
}
