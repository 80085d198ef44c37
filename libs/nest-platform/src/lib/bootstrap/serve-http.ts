import type { Server } from 'node:http';
import { Logger, type INestApplication } from '@nestjs/common';
import type { RuntimeConfig } from '@mcp-cognito/config';
import { ConnectionDrain } from './connection-drain';
import { applyHttpTimeouts } from './http-timeouts';
import { ServiceLifecycle } from './service-lifecycle';

export interface ServeHttpOptions {
  /** Signals that start a graceful stop (default SIGTERM and SIGINT); `[]` for none (tests call `stop`). */
  signals?: readonly NodeJS.Signals[];
  /** Called after the stop with the exit code (default `process.exit`). */
  exit?: (code: number) => void;
}

/** A listening service and its graceful stop. */
export interface ServingHttp {
  readonly server: Server;
  readonly lifecycle: ServiceLifecycle;
  /** Requests in flight now. */
  inFlight(): number;
  /** The graceful stop (what SIGTERM runs); the same promise however often it is called. */
  stop(reason?: string): Promise<{ drained: boolean; cut: number; ms: number }>;
}

/** Time Nest's own shutdown (hooks, the HTTP adapter) may take after the drain before the process exits anyway. */
const HOOKS_BOUND_MS = 5_000;
/** After the grace, the hooks get this long to answer what is still in flight before its connections are cut. */
const STRAGGLERS_MS = 1_000;

function lifecycleOf(app: INestApplication): ServiceLifecycle {
  try {
    return app.get(ServiceLifecycle, { strict: false });
  } catch {
    return new ServiceLifecycle(); // an app without the health module: nobody asks
  }
}

/**
 * Listens and stops gracefully (docs/deploy.md "Timeouts", docs/operations.md "Drain and shutdown"), for every
 * service on the platform:
 *
 * - keep-alive above the load balancer's idle timeout, header timeout above that ({@link applyHttpTimeouts});
 * - on SIGTERM: `/health` answers 503 `draining` at once and every response closes its connection; after
 *   `SHUTDOWN_ANNOUNCE_MS` (0 behind an ALB: ECS deregisters the task before SIGTERM) the listener closes and idle
 *   keep-alive connections are closed; in-flight requests finish, until `SHUTDOWN_GRACE_MS` after the signal;
 * - then Nest shuts down (its hooks: an MCP server answers what is still in flight), anything still open after
 *   another second is cut, and the process exits 0 - within the grace plus a few seconds, below the ECS stop
 *   timeout (SIGKILL).
 *
 * Nest's own `enableShutdownHooks` is not used: it closes the modules first, while requests are still in flight.
 */
export async function serveHttp(app: INestApplication, runtime: RuntimeConfig, options: ServeHttpOptions = {}): Promise<ServingHttp> {
  const logger = new Logger('Lifecycle');
  const server = app.getHttpServer() as Server;
  const lifecycle = lifecycleOf(app);
  applyHttpTimeouts(server, runtime.keepAliveTimeoutMs);
  const drain = new ConnectionDrain(server);
  await app.listen(runtime.port, runtime.host);

  let stopping: ReturnType<ServingHttp['stop']> | undefined;
  const stop = (reason = 'stop') => (stopping ??= shutdown(reason));

  async function shutdown(reason: string) {
    const started = Date.now();
    const deadline = started + runtime.shutdownGraceMs;
    lifecycle.startDraining();
    drain.startDraining();
    logger.log({ event: 'service.draining', reason, inFlight: drain.inFlight, graceMs: runtime.shutdownGraceMs, announceMs: runtime.shutdownAnnounceMs }, 'draining');
    if (runtime.shutdownAnnounceMs > 0) await new Promise((r) => setTimeout(r, runtime.shutdownAnnounceMs));
    const cut = await drain.close(deadline);
    if (cut > 0) logger.warn({ event: 'service.grace_exceeded', inFlight: cut, graceMs: runtime.shutdownGraceMs }, 'grace passed with requests in flight');
    // Nest's hooks run now (an MCP server answers what it still holds); what is left after a moment is cut, so the
    // HTTP adapter's close (which waits for every connection) can finish; the whole step is bounded.
    const cutTimer = cut > 0 ? setTimeout(() => drain.forceClose(), STRAGGLERS_MS) : undefined;
    let hooksTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      app.close().catch((err: unknown) => logger.error({ event: 'service.close_failed', err }, 'shutdown hooks failed')),
      new Promise((r) => (hooksTimer = setTimeout(r, HOOKS_BOUND_MS))),
    ]);
    clearTimeout(hooksTimer);
    clearTimeout(cutTimer);
    drain.forceClose();
    const result = { drained: cut === 0, cut, ms: Date.now() - started };
    logger.log({ event: 'service.stopped', ...result }, 'stopped');
    return result;
  }

  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const)) {
    process.once(signal, () => {
      void stop(signal).then(
        () => (options.exit ?? process.exit)(0),
        () => (options.exit ?? process.exit)(1),
      );
    });
  }
  return { server, lifecycle, inFlight: () => drain.inFlight, stop };
}
