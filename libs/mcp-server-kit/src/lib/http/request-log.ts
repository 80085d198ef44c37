import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { isUnloggedRequest, requestLogFields, requestLogLevel } from '@mcp-cognito/nest-platform';

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
        this.lines ??= this.logger.logger.child({}, { serializers: { req: asIs, res: asIs } });
        this.lines.warn({ req: requestLogFields(request.id, request.raw), sub: request.principal?.sub }, 'request aborted');
      }
      done();
    });
  }

  /**
   * The root logger with its `req`/`res` serializers set aside: the line is built here, already in the shape
   * pino-http's serializers give (nest-platform's `requestLogFields`), instead of serializing the raw objects.
   * Made on first use - the root logger exists once the logging module is configured.
   */
  private lines?: Logger;

  private write(request: FastifyRequest, reply: FastifyReply): void {
    this.lines ??= this.logger.logger.child({}, { serializers: { req: asIs, res: asIs } });
    this.lines[requestLogLevel(reply.statusCode)](
      {
        req: requestLogFields(request.id, request.raw),
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime),
        sub: request.principal?.sub,
      },
      'request completed',
    );
  }
}

const asIs = (value: unknown): unknown => value;
