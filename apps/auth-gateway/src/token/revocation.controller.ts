import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { ClientAuthenticator } from '../clients/client-authentication';
import { GrantContext } from './grants/grant-context';
import { parseRefreshToken } from './refresh-token-format';
import { formParams, required } from './token-request';

/**
 * RFC 7009 `POST /revoke`. A refresh token ends its whole grant and the Cognito refresh token behind
 * it. Access tokens are short-lived, self-contained JWTs that resource servers check without storage
 * (DESIGN.md §3), so they are not put on a deny-list: revoking one answers 200 and changes nothing
 * (RFC 7009 §2.2 allows this; revoke the refresh token to end the session). Unknown tokens: 200.
 */
@Controller()
export class RevocationController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly ctx: GrantContext,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@Req() req: Request, @Body() body: unknown): Promise<Record<string, never>> {
    if (!req.is('application/x-www-form-urlencoded')) throw new InvalidRequest('The revocation request must be form-encoded.');
    const params = formParams(body);
    const token = required(params, 'token');
    const client = await this.clients.authenticate(req);
    const parsed = parseRefreshToken(token);
    if (!parsed) return {};
    const grant = await this.ctx.repos.grants.get(parsed.grantId);
    // RFC 7009 §2.1: only the client the token was issued to may revoke it; others get 200 and nothing.
    if (!grant || grant.clientId !== client.clientId || grant.status !== 'active') return {};
    if (parsed.hash !== grant.currentRefreshHash && parsed.hash !== grant.previousRefreshHash) return {};
    await this.ctx.revokeGrant(grant.grantId, 'revoked_by_client');
    return {};
  }
}
