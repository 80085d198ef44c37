import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { formParams } from '../http/form-params';
import { IntrospectionService } from './introspection.service';

/**
 * RFC 7662 `POST /introspect`: a form post from a registered resource server. An active answer may be cached by the
 * caller until the token's `exp` (`Cache-Control: private, max-age`), an inactive one never (`no-store`).
 */
@Controller()
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post('introspect')
  @HttpCode(200)
  async introspect(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!req.is('application/x-www-form-urlencoded')) throw new InvalidRequest('The introspection request must be form-encoded.');
    const answer = await this.introspection.introspect(req.headers.authorization, formParams(body), req.ip);
    const maxAge = answer.active ? Math.max(0, answer.exp - Math.floor(Date.now() / 1000)) : 0;
    res
      .status(200)
      .set(answer.active ? { 'Cache-Control': `private, max-age=${maxAge}` } : { 'Cache-Control': 'no-store', Pragma: 'no-cache' })
      .json(answer);
  }
}
