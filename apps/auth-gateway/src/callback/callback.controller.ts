import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { UpstreamUser } from '../upstream/cognito.strategy';
import type { RequestWithPending } from '../upstream/pending-authorization.store';
import { CallbackService } from './callback.service';
import { CognitoCallbackGuard } from './cognito-callback.guard';

/**
 * `GET /callback`: the guard consumed the sign-in session and exchanged and verified the Cognito code; the service
 * issues the MCP code; the browser goes back to the client.
 */
@Controller()
export class CallbackController {
  constructor(private readonly callback: CallbackService) {}

  @Get('callback')
  @UseGuards(CognitoCallbackGuard)
  async complete(@Req() req: RequestWithPending, @Res() res: Response): Promise<void> {
    const location = await this.callback.issueCode(req.pendingAuthorization!, req.user as UpstreamUser);
    res.status(302).set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).location(location).end();
  }
}
