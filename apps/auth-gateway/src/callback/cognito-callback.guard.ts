import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { AuthGuard } from '@nestjs/passport';
import { AccessDenied, InvalidRequest, ServerError, TemporarilyUnavailable } from '@mcp-cognito/oauth';
import { SecurityEvents } from '@mcp-cognito/nest-platform';
import { isAccountSignIn, isStorageUnavailable } from '@mcp-cognito/storage';
import { AuthorizationRedirectError } from '../http/client-redirect';
import { PageError } from '../http/oauth-exception.filter';
import { UpstreamUnavailableError } from '../upstream/cognito-client';
import { UpstreamBrowserBinding } from '../upstream/browser-binding';
import { UpstreamTokenInvalidError } from '../upstream/cognito.strategy';
import type { RequestWithPending } from '../upstream/pending-authorization.store';
import { CallbackService } from './callback.service';

/**
 * Runs the passport strategy on `GET /callback` and turns every upstream failure into a clear answer:
 * a page when the sign-in session cannot be tied to a client (forged, replayed or expired `state`),
 * otherwise an OAuth error on the client's validated redirect URI. Nothing is half-written: the
 * session is consumed once, and the MCP code is only created after everything succeeded.
 */
@Injectable()
export class CognitoCallbackGuard extends AuthGuard('cognito') {
  constructor(
    private readonly callback: CallbackService,
    private readonly binding: UpstreamBrowserBinding,
    private readonly events: SecurityEvents,
  ) {
    super({ session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithPending>();
    const res = context.switchToHttp().getResponse<Response>();
    const query = req.query as Record<string, unknown>;
    const state = query['state'];
    if (typeof state === 'string' && state.length > 0) {
      // The sign-in must come back to the browser that gave consent; checked before anything is consumed.
      if (!this.binding.verify(req, state)) {
        this.events.emit('upstream.callback_rejected', { reason: 'state not bound to this browser' });
        throw new PageError(new InvalidRequest('This sign-in was not started in this browser. Start again from your application.', 'browser binding mismatch'));
      }
      this.binding.clear(res, state);
    }
    if (query['error'] !== undefined) {
      // Cognito sent the user back with an error (RFC 6749 §4.1.2.1), e.g. access_denied.
      // A storage outage is not an unknown session: it goes on to the outage page, not "expired or unknown".
      const pending = await this.callback.abandon(query['state']).catch((error: unknown) => {
        if (isStorageUnavailable(error)) throw error;
        return undefined;
      });
      const upstreamError = typeof query['error'] === 'string' ? query['error'].slice(0, 64) : 'invalid';
      const clientId = pending && !isAccountSignIn(pending) ? pending.clientId : undefined;
      this.events.emit('upstream.error', { operation: 'authorize', reason: upstreamError, client_id: clientId });
      if (!pending) throw new PageError(new InvalidRequest('The sign-in was cancelled or failed, and its session is unknown or expired.'));
      if (isAccountSignIn(pending)) {
        // The account page's own sign-in: no application to send the error to, the user reads it here.
        const error =
          upstreamError === 'temporarily_unavailable'
            ? new TemporarilyUnavailable('The identity provider is temporarily unavailable. Try again shortly.')
            : new AccessDenied(upstreamError === 'access_denied' ? 'The sign-in was cancelled.' : `The identity provider could not sign you in (${upstreamError}).`);
        throw new PageError(error, undefined, 'account');
      }
      const error =
        upstreamError === 'access_denied'
          ? new AccessDenied('The user did not authorize the request at the identity provider.')
          : upstreamError === 'temporarily_unavailable'
            ? new TemporarilyUnavailable('The identity provider is temporarily unavailable.')
            : new ServerError(`upstream error ${upstreamError}`);
      throw new AuthorizationRedirectError(error, pending.redirectUri, pending.clientState);
    }
    if (typeof query['code'] !== 'string' || typeof query['state'] !== 'string') {
      throw new PageError(new InvalidRequest('The sign-in response is missing its code or state.'));
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(err: unknown, user: TUser, info: unknown, context: ExecutionContext): TUser {
    if (!err && user) return user;
    // The sign-in session could not be read (the table did not answer): nothing was decided about it. The
    // controller's outage page says so instead of "unknown, expired or already used".
    if (isStorageUnavailable(err)) throw err;
    const req = context.switchToHttp().getRequest<RequestWithPending>();
    const pending = req.pendingAuthorization;
    const reason = err instanceof Error ? err.message : ((info as { message?: string })?.message ?? 'state rejected');
    this.events.emit('upstream.callback_rejected', { client_id: pending && !isAccountSignIn(pending) ? pending.clientId : undefined, reason });
    if (pending && isAccountSignIn(pending)) {
      const outage = err instanceof UpstreamUnavailableError || (err instanceof UpstreamTokenInvalidError && err.reason === 'jwks_unavailable');
      throw new PageError(
        outage
          ? new TemporarilyUnavailable('The identity provider is temporarily unavailable. Try again shortly.', reason)
          : new AccessDenied('The sign-in could not be verified. Open the page again to sign in.', reason),
        undefined,
        'account',
      );
    }
    if (!pending) {
      if (err instanceof UpstreamUnavailableError) throw new PageError(new TemporarilyUnavailable('The identity provider is unavailable. Try again shortly.'));
      throw new PageError(new InvalidRequest('The sign-in session is unknown, expired or was already used. Start again from your application.', reason));
    }
    const outage = err instanceof UpstreamUnavailableError || (err instanceof UpstreamTokenInvalidError && err.reason === 'jwks_unavailable');
    const error = outage ? new TemporarilyUnavailable('The identity provider is temporarily unavailable. Try again shortly.', reason) : new ServerError(reason);
    throw new AuthorizationRedirectError(error, pending.redirectUri, pending.clientState);
  }
}
