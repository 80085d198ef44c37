import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { RuntimeConfig } from '@mcp-cognito/config';
import { redactErrorFields, redactSecrets, redactUrl } from './redact';

/** A caller-supplied request id is kept only when it looks like one (no log injection). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface LoggingOptions {
  service: string;
  runtime: Pick<RuntimeConfig, 'logLevel' | 'logFormat'>;
  /**
   * `middleware` (default): pino-http logs every request and an async context carries the request's child
   * logger. `self`: the service logs its requests itself (one line per request, {@link requestIdOf} for the
   * id, {@link requestLogLevel} for the level) and no per-request middleware or async context is installed -
   * for hot paths, where those cost more than the request. The root logger and its redaction are the same.
   */
  requestLogging?: 'middleware' | 'self';
}

/**
 * The request's correlation id: the caller's `x-request-id` when it looks like one (no log injection),
 * otherwise a new UUID. The same rule for every request, whoever logs it.
 */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The level of a request's log line: 5xx error, 4xx warn, else info. */
export function requestLogLevel(statusCode: number, failed = false): 'error' | 'warn' | 'info' {
  return failed || statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/** Requests nobody needs a line for (load balancer health checks, every few seconds per target). */
export function isUnloggedRequest(url: string | undefined): boolean {
  return url?.startsWith('/health') ?? false;
}

/** The `req` of a request's log line: only what an operator needs; headers (Authorization, Cookie) never. */
export function requestLogFields(id: string | undefined, req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): Record<string, unknown> {
  return { id, method: req.method, url: redactUrl(req.url), userAgent: req.headers?.['user-agent'] };
}

/**
 * Structured logging (pino) with one correlation id per request (`x-request-id`, echoed back) and one
 * redaction rule for every line: secret-named keys at any depth of a logged object ({@link redactSecrets}, as the
 * log formatter), secret query parameters in URLs; the request serializer never outputs headers.
 */
export function createLoggingModule({ service, runtime, requestLogging = 'middleware' }: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: requestLogging === 'self' ? [] : undefined,
    pinoHttp: {
      level: runtime.logLevel,
      base: { service },
      transport: runtime.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = requestIdOf(req);
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: IncomingMessage & { id?: string }) => requestLogFields(req.id, req),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        // Error objects are not walked by the formatter (it only walks plain objects): their fields are here.
        err: redactErrorFields,
      },
      formatters: { log: (object: Record<string, unknown>) => redactSecrets(object) },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => requestLogLevel(res.statusCode, err !== undefined),
      autoLogging: { ignore: (req: IncomingMessage) => isUnloggedRequest(req.url) },
    },
  });
}
