import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { isStorageUnavailable } from '@mcp-cognito/storage';
import { AuthorizationRedirectError } from '../http/client-redirect';
import { storageOutage, StorageOutagePageFilter } from '../http/storage-outage';
import type { UpstreamUser } from '../upstream/cognito.strategy';
import type { RequestWithPending } from '../upstream/pending-authorization.store';
import { CallbackService } from './callback.service';
import { CognitoCallbackGuard } from './cognito-callback.guard';

/**
 * `GET /callback`: the guard consumed the sign-in session and exchanged and verified the Cognito code; the service
 * issues the MCP code; the browser goes back to the client. A storage outage before the session is known is a "try
 * again" page; after it was consumed, only the client can start over, so it gets `temporarily_unavailable` on its
 * validated redirect URI (RFC 6749 §4.1.2.1), as for a Cognito outage.
 */
@Controller()
@UseFilters(new StorageOutagePageFilter('restart'))
export class CallbackController {
  constructor(private readonly callback: CallbackService) {}

  @Get('callback')
  @UseGuards(CognitoCallbackGuard)
  async complete(@Req() req: RequestWithPending, @Res() res: Response): Promise<void> {
    const pending = req.pendingAuthorization!;
    const location = await this.callback.issueCode(pending, req.user as UpstreamUser).catch((error: unknown) => {
      if (isStorageUnavailable(error)) throw new AuthorizationRedirectError(storageOutage(error), pending.redirectUri, pending.clientState);
      throw error;
    });
    res.status(302).set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).location(location).end();
  }
}
