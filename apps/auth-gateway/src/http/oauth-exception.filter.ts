import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequest, OAuthError, ServerError, endpointErrorAnswer } from '@mcp-cognito/oauth';
import { isStorageUnavailable } from '@mcp-cognito/storage';
import { AuthorizationRedirectError } from './client-redirect';
import { storageOutage } from './storage-outage';
import { PAGE_HEADERS, renderErrorPage, type PageAudience } from './html';

/**
 * Raised where the error must be shown to the user as a page instead of JSON or a redirect
 * (RFC 6749 §4.1.2.1: never redirect before the client and redirect URI are validated).
 */
export class PageError extends Error {
  constructor(
    readonly oauth: OAuthError,
    /** More for the person reading the page (e.g. why the application was not sent the error). */
    readonly explanation?: string,
    /** Whose step failed: an application's authorization (the default) or the user's own account page. */
    readonly audience: PageAudience = 'authorization',
  ) {
    super(oauth.description);
  }
}

/** An unknown route: the OAuth error shape with HTTP 404. */
class NotFound extends InvalidRequest {
  override readonly status = 404;
}

/**
 * The one exception filter of the gateway: OAuth errors go on the wire through libs/oauth's responder
 * (`{ error, error_description }`, `no-store`, challenges and `Retry-After` where they apply; RFC 6749 §5.1/§5.2);
 * page errors become an HTML page; redirectable errors go back to the client's validated redirect URI; a storage
 * outage is `503 temporarily_unavailable` with `Retry-After` (RFC 6749 §5.2; RFC 7009 §2.2.1: the client retries),
 * never a 500; anything unexpected becomes `server_error` with nothing leaked (the stack goes to the log only).
 * Browser endpoints answer an outage with a page of their own ({@link StorageOutagePageFilter}).
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  constructor(private readonly issuer: string) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) return;

    if (exception instanceof AuthorizationRedirectError) {
      this.log(req, exception.oauth);
      res.set({ 'Cache-Control': 'no-store' }).redirect(302, exception.location(this.issuer));
      return;
    }
    if (exception instanceof PageError) {
      this.log(req, exception.oauth);
      const text = exception.explanation === undefined ? exception.oauth.description : `${exception.oauth.description} ${exception.explanation}`;
      const retryAfter = (exception.oauth as { retryAfterSeconds?: number }).retryAfterSeconds;
      res
        .status(exception.oauth.status)
        .set(retryAfter === undefined ? PAGE_HEADERS : { ...PAGE_HEADERS, 'Retry-After': String(retryAfter) })
        .send(renderErrorPage(exception.oauth.error, text, exception.audience));
      return;
    }
    const error = this.toOAuthError(exception);
    this.log(req, error, exception);
    const answer = endpointErrorAnswer(error, { basicAuthenticationTried: req.headers.authorization?.startsWith('Basic ') ?? false });
    res.status(answer.status).set(answer.headers).json(answer.body);
  }

  private toOAuthError(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (isStorageUnavailable(exception)) return storageOutage(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Body-parser failures (malformed JSON / form) and unknown routes are client errors.
      if (status === 404) return new NotFound('Not found.');
      if (status < 500) return new InvalidRequest('The request is malformed.', exception.message);
    }
    const err = exception as { type?: string; status?: number; message?: string };
    if (err?.type === 'entity.parse.failed' || err?.type === 'entity.too.large' || (typeof err?.status === 'number' && err.status < 500)) {
      return new InvalidRequest('The request body could not be parsed.', err.message);
    }
    return new ServerError(exception instanceof Error ? exception.message : String(exception));
  }

  private log(req: Request, error: OAuthError, raw?: unknown): void {
    const fields = { event: 'oauth.error', error: error.error, status: error.status, path: req.path, reason: error.reason };
    // An outage is not a bug: a warning with its reason (the alarm counts the 503s), no stack.
    if (isStorageUnavailable(raw)) this.logger.warn({ ...fields, event: 'storage.unavailable' });
    else if (error.status >= 500) this.logger.error({ ...fields, err: raw instanceof Error ? raw : undefined });
    else this.logger.warn(fields);
  }
}
