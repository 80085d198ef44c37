import { Injectable } from '@nestjs/common';
import { UnauthorizedClient, UnsupportedGrantType } from '@mcp-cognito/oauth';
import { ClientAuthenticator } from '../clients/client-authentication';
import { required } from '../http/form-params';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import type { GrantHandler } from './grants/grant-handler';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import type { TokenResponse } from './token-response';

/**
 * The token endpoint's use case (RFC 6749 §3.2): `grant_type` selects a handler from the registry (one file per
 * grant), the client authenticates by its registered method (RFC 6749 §2.3), and must be registered for the grant.
 */
@Injectable()
export class TokenService {
  private readonly grants: ReadonlyMap<string, GrantHandler>;

  constructor(
    private readonly clients: ClientAuthenticator,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
  ) {
    this.grants = new Map<string, GrantHandler>([authorizationCode, refreshToken].map((g) => [g.grantType, g]));
  }

  async token(params: Record<string, string>, authorization: string | undefined): Promise<TokenResponse> {
    const grantType = required(params, 'grant_type');
    const handler = this.grants.get(grantType);
    if (!handler) throw new UnsupportedGrantType(`grant_type ${grantType.slice(0, 40)} is not supported.`);
    const client = await this.clients.authenticate(authorization, params);
    if (!client.grantTypes.includes(grantType)) throw new UnauthorizedClient(`This client is not registered for ${grantType}.`);
    return handler.handle(params, client);
  }
}
