import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '@mcp-cognito/oauth';
import { ClientAuthenticator } from '../clients/client-authentication';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import type { GrantHandler } from './grants/grant-context';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { formParams, required } from './token-request';
import type { TokenResponse } from './token-response';

/**
 * `POST /token` (RFC 6749 §3.2): a form post; the client authenticates by its registered method;
 * `grant_type` selects a handler from the registry. Every response, error or not, is `no-store`.
 */
@Controller()
export class TokenController {
  private readonly grants: ReadonlyMap<string, GrantHandler>;

  constructor(
    private readonly clients: ClientAuthenticator,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
  ) {
    this.grants = new Map<string, GrantHandler>([authorizationCode, refreshToken].map((g) => [g.grantType, g]));
  }

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() req: Request, @Body() body: unknown): Promise<TokenResponse> {
    if (!req.is('application/x-www-form-urlencoded')) throw new InvalidRequest('The token request must be form-encoded (application/x-www-form-urlencoded).');
    const params = formParams(body);
    const grantType = required(params, 'grant_type');
    const handler = this.grants.get(grantType);
    if (!handler) throw new UnsupportedGrantType(`grant_type ${grantType.slice(0, 40)} is not supported.`);
    const client = await this.clients.authenticate(req);
    if (!client.grantTypes.includes(grantType)) throw new UnauthorizedClient(`This client is not registered for ${grantType}.`);
    return handler.handle(params, client);
  }
}
