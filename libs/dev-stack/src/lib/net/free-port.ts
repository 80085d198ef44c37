// freePort lives with the DynamoDB launchers (lib/dynamodb/free-port.ts); this path is kept because
// other modules import it from here.
export { freePort } from '../dynamodb/free-port';
