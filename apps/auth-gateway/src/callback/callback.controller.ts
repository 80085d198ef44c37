import { Controller, Get, Inject, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { CLOCK } from '@mcp-cognito/nest-platform';
import { isAccountSignIn, isStorageUnavailable } from '@mcp-cognito/storage';
import { AccountSession } from '../account/account-session';
import { ACCOUNT_PATHS } from '../account/account-page';
import { AccountService } from '../account/account.service';
import { ConsentMemory, type ConsentSubject } from '../authorize/consent-memory';
import { AuthorizationRedirectError } from '../http/client-redirect';
import { SignedCookies } from '../http/signed-cookies';
import { sha256Hex } from '../keys/secrets';
import { storageOutage, StorageOutagePageFilter } from '../http/storage-outage';
import type { UpstreamUser } from '../upstream/cognito.strategy';
import type { RequestWithPending } from '../upstream/pending-authorization.store';
import { CallbackService } from './callback.service';
import { CognitoCallbackGuard } from './cognito-callback.guard';

const REDIRECT_HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

/**
 * `GET /callback`: the guard consumed the sign-in session and exchanged and verified the Cognito code. Consent is
 * settled for the person who signed in (an approval remembered in this browser must be theirs, or they are asked); the
 * service issues the MCP code; the browser goes back to the client. A storage outage before the session is known is a
 * "try again" page; after it was consumed, only the client can start over, so it gets `temporarily_unavailable` on its
 * validated redirect URI (RFC 6749 §4.1.2.1), as for a Cognito outage. A sign-in to the account page (`/account`)
 * comes back here too (one callback URL registered at Cognito): it ends in the page's own session instead of a code.
 */
@Controller()
@UseFilters(new StorageOutagePageFilter('restart'))
export class CallbackController {
  private readonly consents: ConsentMemory;
  private readonly accountSessions: AccountSession;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly callback: CallbackService,
    private readonly account: AccountService,
    cookies: SignedCookies,
  ) {
    this.consents = new ConsentMemory(cookies);
    this.accountSessions = new AccountSession(cookies);
  }

  @Get('callback')
  @UseGuards(CognitoCallbackGuard)
  async complete(@Req() req: RequestWithPending, @Res() res: Response): Promise<void> {
    const pending = req.pendingAuthorization!;
    const user = req.user as UpstreamUser;
    const now = epochSeconds(this.clock);
    if (isAccountSignIn(pending)) {
      // The account page's sign-in (same Cognito leg, same callback URL): its session, then the page.
      await this.account.signedIn(user, `account:${sha256Hex(user.sub).slice(0, 16)}`);
      this.accountSessions.start(res, user.sub, now);
      res.status(302).set(REDIRECT_HEADERS).location(ACCOUNT_PATHS.page).end();
      return;
    }
    const subject: ConsentSubject = { clientId: pending.clientId, redirectUri: pending.redirectUri, resource: pending.resource };
    const scopes = pending.scope.split(' ');
    const outageToClient = (error: unknown): never => {
      if (isStorageUnavailable(error)) throw new AuthorizationRedirectError(storageOutage(error), pending.redirectUri, pending.clientState);
      throw error;
    };
    if (pending.consent !== 'given' && !this.consents.coversUser(req, subject, user.sub, scopes, now)) {
      // The approval this browser remembered was someone else's: this user decides for themselves.
      const again = await this.callback.askConsentAgain(pending, user).catch(outageToClient);
      res.status(302).set(REDIRECT_HEADERS).location(again).end();
      return;
    }
    const location = await this.callback.issueCode(pending, user).catch(outageToClient);
    this.consents.remember(req, res, subject, user.sub, scopes, now);
    res.status(302).set(REDIRECT_HEADERS).location(location).end();
  }
}
