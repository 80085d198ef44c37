import type { GatewayConfig } from '@mcp-cognito/config';

/** Injection token for the gateway's parsed configuration (parsed once in main.ts). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export type { GatewayConfig };
