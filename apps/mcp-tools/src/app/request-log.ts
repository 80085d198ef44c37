import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { isUnloggedRequest, requestLogLevel } from '@mcp-cognito/nest-platform';

/**
 * This service's request log (nest-platform logging with `requestLogging: 'self'`): fastify hooks instead of the
 * pino-http middleware, because on the MCP path that middleware, Nest's middleware bridge and the async context
 * it opens per request cost more than authentication does. Same line shape, levels and redaction as the
 * gateway's, plus the caller's `sub` once the request gate has verified a token. The id comes from fastify's
 * `genReqId` (nest-platform's `requestIdOf`) and is echoed in `x-request-id`.
 */
@Injectable()
export class RequestLog {
  /**
   * The hooks are added here, not in `onModuleInit`: every provider is constructed before any module's init
   * hook runs, so these run before the hooks added there (the MCP request gate) and refusals carry the id too.
   */
  constructor(
    adapterHost: HttpAdapterHost,
    @InjectPinoLogger('http') private readonly logger: PinoLogger,
  ) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      if (!isUnloggedRequest(request.url)) this.write(request, reply);
      done();
    });
    // A client that gives up before the answer (e.g. on a slow tool) still leaves a line, as with pino-http.
    fastify.addHook('onRequestAbort', (request, done) => {
      if (!isUnloggedRequest(request.url)) {
        (request.raw as IncomingMessage & { id?: string }).id = request.id;
        this.logger.logger.warn({ req: request.raw, sub: request.principal?.sub }, 'request aborted');
      }
      done();
    });
  }

  private write(request: FastifyRequest, reply: FastifyReply): void {
    // The raw objects, as pino-http logs them: the logger's `req`/`res` serializers shape the line (and read
    // the id where pino-http leaves it, on the raw request).
    (request.raw as IncomingMessage & { id?: string }).id = request.id;
    this.logger.logger[requestLogLevel(reply.statusCode)](
      {
        req: request.raw,
        res: reply.raw,
        responseTime: Math.round(reply.elapsedTime),
        sub: request.principal?.sub,
      },
      'request completed',
    );
  }
}
