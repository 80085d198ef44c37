export * from './lib/dynamo-clients';
export * from './lib/errors';
export * from './lib/table-definition';
export * from './lib/table-admin';
export * from './lib/table-health';
export * from './lib/upstream-tokens';
export * from './lib/repositories';
export * from './lib/create-repositories';
export type { StorageContext } from './lib/item-store';
