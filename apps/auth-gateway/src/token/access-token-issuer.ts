import { Inject, Injectable } from '@nestjs/common';
import { InvalidGrant } from '@mcp-cognito/oauth';
import { SecurityEvents } from '@mcp-cognito/nest-platform';
import type { UpstreamTokenSet } from '@mcp-cognito/storage';
import { MintError, mintAccessToken } from '@mcp-cognito/tokens';
import type { OAuthClient } from '../clients/oauth-client';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { grantReference } from '../families/refresh-tokens';
import type { TokenResponse } from './token-response';
import { openUpstreamValue } from '../families/upstream-token-vault';

/** What a grant hands over once it has decided to issue. */
export interface Issuance {
  grantType: string;
  client: OAuthClient;
  grantId: string;
  sub: string;
  resource: string;
  scope: string;
  /** The grant's Cognito tokens; the access token is sealed into the new MCP token. */
  upstream: UpstreamTokenSet;
  /** Present when the client gets a refresh token. */
  refreshToken?: string;
}

/**
 * The one path from "this grant may have a token" to the RFC 6749 §5.1 response: mint the RFC 9068 access token
 * around the grant's Cognito token, map a refused mint to `invalid_grant` (the sign-in behind the grant has ended),
 * emit `token.issued`.
 */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    private readonly events: SecurityEvents,
  ) {}

  async issue(i: Issuance): Promise<TokenResponse> {
    const cognitoAccessToken = await openUpstreamValue(this.keys.storageEncryption, i.upstream.accessToken);
    let minted;
    try {
      minted = await mintAccessToken(
        // `grant_ref`: what the revocation feed names when this grant ends (docs/architecture.md#revocation).
        { subject: i.sub, audience: i.resource, clientId: i.client.clientId, scope: i.scope, cognitoAccessToken, grantRef: grantReference(i.grantId) },
        this.keys.signer,
      );
    } catch (error) {
      if (error instanceof MintError) throw new InvalidGrant('The sign-in behind this grant has ended.', error.message);
      throw error;
    }
    this.events.emit('token.issued', { grant_type: i.grantType, client_id: i.client.clientId, sub: i.sub, grant: grantReference(i.grantId), jti: minted.jti });
    return {
      access_token: minted.token,
      token_type: 'Bearer',
      expires_in: minted.expiresIn,
      ...(i.refreshToken !== undefined ? { refresh_token: i.refreshToken } : {}),
      scope: i.scope,
    };
  }
}
