import type { Server } from 'node:http';

/**
 * Keep-alive and header timeouts of a service's HTTP server (docs/deploy.md "Timeouts").
 *
 * `keepAliveTimeout` must exceed the load balancer's idle timeout (ALB: 65 s): otherwise the service may close an
 * idle connection at the very moment the ALB sends the next request on it, and the ALB answers 502 (AWS guidance:
 * the target's keep-alive longer than the load balancer's idle timeout). Node's default is 5 s.
 * `headersTimeout` must be above it, so that a request arriving on a connection just before the keep-alive would
 * have expired is not cut by the header timer instead; it stays below `requestTimeout` (300 s), as Node requires.
 */
export function applyHttpTimeouts(server: Server, keepAliveTimeoutMs: number): void {
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1_000;
  if (server.requestTimeout > 0 && server.requestTimeout < server.headersTimeout) server.requestTimeout = server.headersTimeout;
}
