import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { CLOCK } from '@mcp-cognito/nest-platform';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { PAGE_HEADERS } from '../http/html';
import { PageError } from '../http/oauth-exception.filter';
import { SignedCookies } from '../http/signed-cookies';
import { StorageOutagePageFilter } from '../http/storage-outage';
import { redirectToCognito } from '../upstream/redirect-to-cognito';
import { ACCOUNT_PATHS, renderAccountPage, renderSignedOutEverywherePage } from './account-page';
import { AccountSession, type AccountSessionState } from './account-session';
import { AccountService } from './account.service';

/** A form whose session or CSRF token does not check out, or that came from another origin. */
class Forbidden extends InvalidRequest {
  override readonly status = 403;
}

/** A grant that is not one of the caller's. */
class GrantNotFound extends InvalidRequest {
  override readonly status = 404;
}

const REDIRECT_HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
/** `grantReference` output: 16 lowercase hex characters. */
const REFERENCE = /^[0-9a-f]{16}$/;

/**
 * The connected-clients page (issue 15; docs/architecture.md#revocation, "The account page"):
 *
 * - `GET /account`: with a session, the user's active grants; without one, the sign-in through the same Cognito leg as
 *   an authorization (a pending sign-in of purpose `account`, back through `/callback`: no new callback URL at Cognito);
 * - `POST /account/revoke` (`csrf`, `grant`): ends one of the caller's grants, 303 back to the page with a notice;
 * - `POST /account/sign-out-everywhere` (`csrf`): ends all of them and the page's session;
 * - `GET /account/signed-out`: the confirmation.
 *
 * Every page has the gateway's page headers (CSP `frame-ancestors 'none'`, `X-Frame-Options: DENY`, `no-store`,
 * `no-referrer`); bad input is a 4xx page, a storage outage the "try again" page, never a 500.
 */
@Controller()
@UseFilters(new StorageOutagePageFilter('retry'))
export class AccountController {
  private readonly sessions: AccountSession;
  private readonly origin: string;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly account: AccountService,
    cookies: SignedCookies,
  ) {
    this.sessions = new AccountSession(cookies);
    this.origin = new URL(config.issuer).origin;
  }

  @Get(ACCOUNT_PATHS.page)
  async page(@Query('revoked') revoked: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = this.sessions.read(req, epochSeconds(this.clock));
    if (!session) {
      await this.account.admitSignIn(req.ip);
      res.set(REDIRECT_HEADERS);
      // Identity only: the page needs the user's `sub`, nothing of any MCP server.
      await redirectToCognito(req, res, ['openid'], { purpose: 'account' });
      return;
    }
    const clients = await this.account.connectedClients(session.sub);
    const notice = typeof revoked === 'string' && REFERENCE.test(revoked) ? clients.find((c) => c.reference === revoked && c.status === 'revoked') : undefined;
    res.status(200).set(PAGE_HEADERS).send(renderAccountPage(clients, this.sessions.csrfToken(session), notice));
  }

  @Post(ACCOUNT_PATHS.revoke)
  async revoke(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = this.checkForm(req, body);
    const reference = body['grant'];
    if (typeof reference !== 'string' || !REFERENCE.test(reference)) {
      this.account.refused('malformed grant reference', session.sub);
      throw new PageError(new InvalidRequest('The form does not name a connected client.'), undefined, 'account');
    }
    const outcome = await this.account.revoke(session.sub, reference);
    if (outcome.status === 'not_found') {
      this.account.refused('grant not among the caller grants', session.sub);
      throw new PageError(new GrantNotFound('That connected client was not found: it may have expired or ended already.'), undefined, 'account');
    }
    // RFC 9110 §15.4.4: 303 turns the POST into a GET of the page (a reload does not post again).
    res.status(303).set(REDIRECT_HEADERS).location(`${ACCOUNT_PATHS.page}?revoked=${outcome.reference}`).end();
  }

  @Post(ACCOUNT_PATHS.signOutEverywhere)
  async signOutEverywhere(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const session = this.checkForm(req, body);
    const ended = await this.account.signOutEverywhere(session.sub);
    this.sessions.end(res);
    res.status(303).set(REDIRECT_HEADERS).location(`${ACCOUNT_PATHS.signedOutEverywhere}?ended=${ended}`).end();
  }

  @Get(ACCOUNT_PATHS.signedOutEverywhere)
  signedOut(@Query('ended') ended: unknown, @Res() res: Response): void {
    const count = typeof ended === 'string' && /^\d{1,4}$/.test(ended) ? Number(ended) : undefined;
    res.status(200).set(PAGE_HEADERS).send(renderSignedOutEverywherePage(count));
  }

  /**
   * A form that may change something: a form body, from this origin when the browser says where it came from, of a
   * live session, with that session's CSRF token. Any failure is a 4xx page that changes nothing.
   */
  private checkForm(req: Request, body: Record<string, unknown>): AccountSessionState {
    if (!req.is('application/x-www-form-urlencoded')) throw new PageError(new InvalidRequest('The form must be posted as a form.'), undefined, 'account');
    // Defence in depth beside the token (which alone decides for browsers that say nothing): Fetch Metadata
    // (`Sec-Fetch-Site`) and `Origin` refuse another site's form outright. The page's own forms send `Origin: null`
    // (Fetch §3.1: a POST under `Referrer-Policy: no-referrer` serializes its origin as null), so null proves nothing.
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if ((site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== 'null' && origin !== this.origin)) {
      this.account.refused('cross-origin form');
      throw new PageError(new Forbidden('The form was not sent from this site.'), undefined, 'account');
    }
    const session = this.sessions.read(req, epochSeconds(this.clock));
    if (!session) {
      this.account.refused('no account session');
      throw new PageError(new Forbidden('Your session on this page has ended (it lasts 15 minutes). Open the page again to sign in.'), undefined, 'account');
    }
    if (!this.sessions.verifyCsrf(session, body['csrf'])) {
      this.account.refused('csrf mismatch', session.sub);
      throw new PageError(new Forbidden('The form has expired or was not sent from this page. Reload the page and try again.'), undefined, 'account');
    }
    return session;
  }
}
