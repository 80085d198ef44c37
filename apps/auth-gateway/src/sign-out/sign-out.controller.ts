import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SecurityEvents } from '@mcp-cognito/nest-platform';
import { GATEWAY_SIGN_OUT_PATHS } from '@mcp-cognito/routing';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { PAGE_HEADERS } from '../http/html';
import { SignedCookies } from '../http/signed-cookies';
import { cognitoLogoutUrl, gatewayCookieNames, renderSignedOutPage } from './sign-out';

/**
 * Sign-out that reaches Cognito (docs/architecture.md#the-flow). The hosted UI keeps its own session (one hour):
 * unless the browser goes through Cognito's `/logout`, the next authorization signs the same person in silently.
 *
 * - `GET /consent/sign-out` clears the gateway's own cookies in this browser (remembered consent, pending sign-ins)
 *   and sends the browser to Cognito's `/logout` with `client_id` and `logout_uri`
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html);
 * - `GET /consent/signed-out` is that `logout_uri`: the app client's one allowed sign-out URL (the CDK app registers
 *   it), a plain page.
 *
 * Both are GETs, like Cognito's `/logout`: signing someone out is all a forged link can do (no state changes hands).
 */
@Controller()
export class SignOutController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly cookies: SignedCookies,
    private readonly events: SecurityEvents,
  ) {}

  @Get(GATEWAY_SIGN_OUT_PATHS.signOut)
  signOut(@Req() req: Request, @Res() res: Response): void {
    for (const name of gatewayCookieNames(req.cookies as Record<string, unknown> | undefined)) {
      res.clearCookie(name, { path: '/', httpOnly: true, secure: this.cookies.secure, sameSite: 'lax' });
    }
    this.events.emit('session.signed_out', { cognito_logout: true });
    res
      .status(302)
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
      .location(cognitoLogoutUrl(this.config))
      .end();
  }

  @Get(GATEWAY_SIGN_OUT_PATHS.signedOut)
  signedOut(@Res() res: Response): void {
    res.status(200).set(PAGE_HEADERS).send(renderSignedOutPage());
  }
}
