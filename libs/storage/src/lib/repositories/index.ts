export * from './authorization-code.repository';
export * from './client.repository';
export * from './grant.repository';
export * from './grant.types';
export * from './note.repository';
export * from './pending-authorization.repository';
export * from './rate-limit.repository';
