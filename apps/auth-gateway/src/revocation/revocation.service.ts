import { Inject, Injectable } from '@nestjs/common';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import { ClientAuthenticator } from '../clients/client-authentication';
import { GrantRevocation } from '../families/grant-revocation.service';
import { required } from '../http/form-params';
import { RefreshTokens } from '../families/refresh-tokens';

/**
 * RFC 7009 token revocation. A refresh token ends its whole grant and the Cognito refresh token behind it, and every
 * access token of the grant is refused by every MCP server within its revocation poll interval (the revocation feed,
 * docs/architecture.md#revocation). An access token presented here changes nothing (RFC 7009 §2.2 allows this;
 * revoke the refresh token to end the session). Unknown tokens, and tokens
 * of other clients, are answered exactly like a success (§2.1, §2.2).
 */
@Injectable()
export class RevocationService {
  constructor(
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    private readonly clients: ClientAuthenticator,
    private readonly refreshTokens: RefreshTokens,
    private readonly revocation: GrantRevocation,
  ) {}

  async revoke(params: Record<string, string>, authorization: string | undefined): Promise<void> {
    const token = required(params, 'token');
    const client = await this.clients.authenticate(authorization, params);
    const presented = this.refreshTokens.verify(token);
    if (!presented) return;
    const grant = await this.repos.grants.get(presented.grantId);
    // RFC 7009 §2.1: only the client the token was issued to may revoke it; others get 200 and nothing.
    if (!grant || grant.clientId !== client.clientId || grant.status !== 'active') return;
    if (presented.hash !== grant.currentRefreshHash && presented.hash !== grant.previousRefreshHash) return;
    await this.revocation.revoke(grant.grantId, 'revoked_by_client');
  }
}
