import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { RuntimeConfig } from '@mcp-cognito/config';
import { redactSecrets, redactUrl, REDACTED } from './redact';

/** A caller-supplied request id is kept only when it looks like one (no log injection). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface LoggingOptions {
  service: string;
  runtime: Pick<RuntimeConfig, 'logLevel' | 'logFormat'>;
}

/**
 * Structured logging (pino) with one correlation id per request (`x-request-id`, echoed back) and
 * redaction of every secret: headers by path, everything else by key name (see {@link redactSecrets}).
 */
export function createLoggingModule({ service, runtime }: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: runtime.logLevel,
      base: { service },
      transport: runtime.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Only what an operator needs; headers (Authorization, Cookie) are never serialized.
      serializers: {
        req: (req: IncomingMessage & { id?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password'],
        censor: REDACTED,
      },
      formatters: { log: (object: Record<string, unknown>) => redactSecrets(object) },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
    },
  });
}
