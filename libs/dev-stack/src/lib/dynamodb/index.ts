export * from './types';
export * from './free-port';
export * from './dynalite';
export * from './dynamodb-local-jar';
export * from './dynamodb-local-container';
export * from './embedded-dynamodb';
export * from './wait-until-ready';
