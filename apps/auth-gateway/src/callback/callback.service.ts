import { Inject, Injectable } from '@nestjs/common';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidScope, InvalidTarget } from '@mcp-cognito/oauth';
import { CLOCK, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { PendingAuthorizationRecord, PendingSignIn, Repositories, StoredPendingAuthorization } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { AuthorizationRedirectError, clientRedirectUrl } from '../http/client-redirect';
import { GATEWAY_KEYS, type GatewayKeys } from '../keys/gateway-keys';
import { randomToken, sha256Hex } from '../keys/secrets';
import { sealUpstreamTokens } from '../families/upstream-token-vault';
import { UpstreamRevocation } from '../families/upstream-revocation.service';
import { McpServerRegistry } from '../servers/mcp-server-registry';
import { grantableScopes } from '../servers/scope-policy';
import type { UpstreamUser } from '../upstream/cognito.strategy';

/**
 * The end of the upstream leg (docs/architecture.md, "The flow", step 4): Cognito's tokens are verified (by the
 * strategy); here the MCP authorization code is made - random, stored only as a hash, short-lived, single use, bound
 * to client, redirect URI, challenge, resource, scope and user - and the client's redirect is built with `code`,
 * `state` and `iss` (RFC 9207).
 */
@Injectable()
export class CallbackService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_KEYS) private readonly keys: GatewayKeys,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly upstreamRevocation: UpstreamRevocation,
    private readonly servers: McpServerRegistry,
    private readonly events: SecurityEvents,
  ) {}

  /** Issues the MCP code for a verified sign-in; returns the client's redirect URL. */
  async issueCode(pending: PendingAuthorizationRecord & Partial<Pick<StoredPendingAuthorization, 'createdAt'>>, user: UpstreamUser): Promise<string> {
    // The server's scope policy (servers/scope-policy.ts): its own scopes only; group rules; for a Cognito-sourced
    // server only what the Cognito token also carries (app-client settings, pre-token-generation triggers).
    const server = this.servers.find(pending.resource);
    if (!server) {
      throw new AuthorizationRedirectError(new InvalidTarget('The MCP server is no longer served by this authorization server.'), pending.redirectUri, pending.clientState);
    }
    const granted = grantableScopes(server, pending.scope.split(' '), user);
    if (granted.length === 0) {
      throw new AuthorizationRedirectError(new InvalidScope('None of the requested scopes were granted.'), pending.redirectUri, pending.clientState);
    }
    const now = epochSeconds(this.clock);
    const upstream = await sealUpstreamTokens(
      this.keys.storageEncryption,
      user.tokens,
      user.accessTokenExpiresAt,
      user.tokens.refresh_token ? now + this.config.lifetimes.upstreamRefreshTokenSeconds : undefined,
    );
    const code = randomToken(32);
    await this.repos.authorizationCodes.create(
      sha256Hex(code),
      {
        clientId: pending.clientId,
        redirectUri: pending.redirectUri,
        redirectUriOmitted: pending.redirectUriOmitted,
        codeChallenge: pending.codeChallenge,
        codeChallengeMethod: 'S256',
        scope: granted.join(' '),
        resource: pending.resource,
        sub: user.sub,
        username: user.username,
        upstream,
        // When this sign-in began: a revocation of the user after it refuses the code at /token (docs/architecture.md#revocation).
        authorizationStartedAt: pending.createdAt ?? now,
      },
      this.config.lifetimes.authorizationCodeSeconds,
    );
    this.events.emit('authorization_code.issued', { client_id: pending.clientId, sub: user.sub, scope: granted.join(' ') });
    return clientRedirectUrl(pending.redirectUri, this.config.issuer, { code, state: pending.clientState });
  }

  /**
   * The person who signed in is not the one whose approval this browser remembered (a shared browser, another account
   * at the IdP): nothing is issued, the Cognito tokens just obtained are given back, and the browser starts the same
   * authorization again with `prompt=consent`, so that this user sees the consent page and decides.
   */
  async askConsentAgain(pending: PendingAuthorizationRecord, user: UpstreamUser): Promise<string> {
    this.events.emit('consent.user_changed', { client_id: pending.clientId, resource: pending.resource });
    if (user.tokens.refresh_token) {
      // A one-way reference of this sign-in for events and the retry record (from its PKCE challenge, never a token).
      const reference = `signin:${sha256Hex(pending.codeChallenge).slice(0, 16)}`;
      await this.upstreamRevocation.revokeUnbound(user.tokens.refresh_token, { clientId: pending.clientId, reference, reason: 'consent_user_changed' });
    }
    const params = new URLSearchParams({
      client_id: pending.clientId,
      ...(pending.redirectUriOmitted ? {} : { redirect_uri: pending.redirectUri }),
      response_type: 'code',
      scope: pending.scope,
      code_challenge: pending.codeChallenge,
      code_challenge_method: 'S256',
      resource: pending.resource,
      ...(pending.clientState !== undefined ? { state: pending.clientState } : {}),
      prompt: 'consent',
    });
    return `/authorize?${params.toString()}`;
  }

  /** Cognito sent the user back with an error: ends the pending sign-in named by `state`, if there is one. */
  abandon(state: unknown): Promise<PendingSignIn | undefined> {
    if (typeof state !== 'string' || state === '') return Promise.resolve(undefined);
    return this.repos.pendingAuthorizations.consume(state);
  }
}
