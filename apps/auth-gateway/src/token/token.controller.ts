import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { formParams } from '../http/form-params';
import { TokenService } from './token.service';
import type { TokenResponse } from './token-response';

/** `POST /token` (RFC 6749 §3.2): a form post; every response, error or not, is `no-store` (§5.1). */
@Controller()
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Req() req: Request, @Body() body: unknown): Promise<TokenResponse> {
    if (!req.is('application/x-www-form-urlencoded')) throw new InvalidRequest('The token request must be form-encoded (application/x-www-form-urlencoded).');
    return this.tokens.token(formParams(body), req.headers.authorization);
  }
}
