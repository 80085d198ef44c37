import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { formParams } from '../http/form-params';
import { RevocationService } from './revocation.service';

/** RFC 7009 `POST /revoke`: a form post, answered 200 with an empty object whether or not anything was revoked. */
@Controller()
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@Req() req: Request, @Body() body: unknown): Promise<Record<string, never>> {
    if (!req.is('application/x-www-form-urlencoded')) throw new InvalidRequest('The revocation request must be form-encoded.');
    await this.revocation.revoke(formParams(body), req.headers.authorization);
    return {};
  }
}
