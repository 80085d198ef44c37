import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { formParams } from '../http/form-params';
import { IntrospectionService } from './introspection.service';

/**
 * RFC 7662 `POST /introspect`: a form post from a registered resource server. An active answer may be cached by the
 * caller for the revocation feed's poll interval at most (`Cache-Control: private, max-age`, never past the token's
 * `exp`): a cache that kept it until `exp` would hide a revocation for the token's whole lifetime, where every MCP
 * server on the kit refuses it within seconds (RFC 7662 §4 leaves the trade-off to the server: we choose revocation).
 * An inactive answer is never cached (`no-store`).
 */
@Controller()
export class IntrospectionController {
  constructor(
    private readonly introspection: IntrospectionService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  async introspect(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!req.is('application/x-www-form-urlencoded')) throw new InvalidRequest('The introspection request must be form-encoded.');
    const answer = await this.introspection.introspect(req.headers.authorization, formParams(body), req.ip);
    const untilExpiry = answer.active ? Math.max(0, answer.exp - Math.floor(Date.now() / 1000)) : 0;
    const maxAge = Math.min(untilExpiry, Math.ceil(this.config.revocation.pollMs / 1000));
    res
      .status(200)
      .set(answer.active ? { 'Cache-Control': `private, max-age=${maxAge}` } : { 'Cache-Control': 'no-store', Pragma: 'no-cache' })
      .json(answer);
  }
}
