import { ArgumentsHost, Catch, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TemporarilyUnavailable } from '@mcp-cognito/oauth';
import { StorageUnavailableError } from '@mcp-cognito/storage';
import { PAGE_HEADERS, renderPage } from './html';

/**
 * The table did not answer in time: RFC 6749 §4.1.2.1 / §5.2 `temporarily_unavailable`, 503 with `Retry-After`. Not
 * the client's fault and not the user's: the same request may be sent again.
 */
export function storageOutage(error: StorageUnavailableError): TemporarilyUnavailable {
  return new TemporarilyUnavailable('The service is temporarily unavailable; try again shortly.', `storage ${error.reason}`, error.retryAfterSeconds);
}

/**
 * How the user gets going again: `retry` the same step (it changed nothing: `/authorize`, the consent form), or
 * `restart` from the application (the step's one-time sign-in session cannot be replayed: `/callback`).
 */
export type OutageRecovery = 'retry' | 'restart';

/** The page a person sees instead of JSON when the table did not answer: what happened, and what to do. */
export function renderOutagePage(retryAfterSeconds: number, recovery: OutageRecovery): string {
  const wait = `in ${Number(retryAfterSeconds)} seconds`;
  const advice = recovery === 'retry' ? `Try again ${wait}: reload this page, or start again from your application.` : `Start again from your application ${wait}.`;
  return renderPage(
    'Temporarily unavailable',
    `<h1>Temporarily unavailable</h1>
<p>The sign-in service cannot complete this step right now. It is not a problem with your account or your
application.</p>
<p>${advice}</p>`,
  );
}

/**
 * Browser endpoints (`/authorize`, `/consent`, `/callback`): a person is reading the answer, so a storage outage is
 * an honest "try again shortly" page (503 + `Retry-After`), not a JSON body and not a misleading "session unknown".
 * Before the client and redirect URI are validated nothing may be redirected (RFC 6749 §4.1.2.1), and a page is
 * also what lets the user simply retry the step; controller-scoped, so it runs before the gateway's global filter.
 */
@Catch(StorageUnavailableError)
export class StorageOutagePageFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  constructor(private readonly recovery: OutageRecovery) {}

  catch(exception: StorageUnavailableError, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) return;
    this.logger.warn({ event: 'storage.unavailable', error: 'temporarily_unavailable', status: 503, path: req.path, reason: `storage ${exception.reason}` });
    res
      .status(503)
      .set({ ...PAGE_HEADERS, 'Retry-After': String(exception.retryAfterSeconds) })
      .send(renderOutagePage(exception.retryAfterSeconds, this.recovery));
  }
}
