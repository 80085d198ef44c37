import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import type { Clock } from '@mcp-cognito/contracts';
import { CLOCK, Metrics, RevocationFeedPoller, SecurityEvents } from '@mcp-cognito/nest-platform';
import { DEFAULT_STORAGE_DEADLINES, RevocationSet } from '@mcp-cognito/storage';
import type { GatewayConfig } from './config/gateway-config';
import { GATEWAY_CONFIG } from './config/gateway-config';
import { AccountController } from './account/account.controller';
import { AccountService } from './account/account.service';
import { AuthorizationService } from './authorize/authorization.service';
import { AuthorizeController } from './authorize/authorize.controller';
import { CallbackController } from './callback/callback.controller';
import { CallbackService } from './callback/callback.service';
import { CognitoCallbackGuard } from './callback/cognito-callback.guard';
import { ClientAuthenticator } from './clients/client-authentication';
import { ClientRegistry } from './clients/client-registry.service';
import { DiscoveryController } from './discovery/discovery.controller';
import { GrantRevocation } from './families/grant-revocation.service';
import { RevocationFeed } from './families/revocation-feed';
import { UpstreamRevocationRetrier } from './families/upstream-revocation.retrier';
import { UpstreamRevocation } from './families/upstream-revocation.service';
import { SignedCookies } from './http/signed-cookies';
import { GATEWAY_KEYS, loadGatewayKeys, type GatewayKeys } from './keys/gateway-keys';
import { RegistrationController } from './registration/registration.controller';
import { RegistrationService } from './registration/registration.service';
import { RevocationController } from './revocation/revocation.controller';
import { RevocationService } from './revocation/revocation.service';
import { AccessTokenIssuer } from './token/access-token-issuer';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant';
import { RefreshSingleFlight } from './token/grants/refresh-single-flight';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant';
import { UpstreamRefresh } from './token/grants/upstream-refresh';
import { RefreshTokens } from './families/refresh-tokens';
import { TokenController } from './token/token.controller';
import { TokenService } from './token/token.service';
import { UpstreamBrowserBinding } from './upstream/browser-binding';
import { CognitoClient } from './upstream/cognito-client';
import { CognitoStrategy } from './upstream/cognito.strategy';
import { SignOutController } from './sign-out/sign-out.controller';
import { McpServerRegistry } from './servers/mcp-server-registry';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { ResourceServerCredentials } from './introspection/resource-server-credentials';

/**
 * The authorization server: controllers (HTTP only) -> services (one use case each) -> repositories (libs/storage).
 * Discovery, registration, authorize/consent, callback, token, revoke, the account page.
 */
@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [DiscoveryController, RegistrationController, AuthorizeController, CallbackController, TokenController, RevocationController, SignOutController, IntrospectionController, AccountController],
  providers: [
    { provide: GATEWAY_KEYS, inject: [GATEWAY_CONFIG, CLOCK], useFactory: (config: GatewayConfig, clock: Clock) => loadGatewayKeys(config, clock) },
    // The MCP servers: static ones from the configuration, plus the run-time registry (SSM) in AWS.
    { provide: McpServerRegistry, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => McpServerRegistry.fromConfig(config) },
    { provide: ResourceServerCredentials, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => new ResourceServerCredentials(config) },
    // Introspection refuses revoked tokens from the same feed and with the same rules as every MCP server's gate.
    {
      provide: RevocationSet,
      inject: [GATEWAY_CONFIG, CLOCK],
      useFactory: (config: GatewayConfig, clock: Clock) =>
        new RevocationSet({ pollMs: config.revocation.pollMs, failOpenMs: config.revocation.failOpenMs, readBudgetMs: DEFAULT_STORAGE_DEADLINES.budgetMs, clock }),
    },
    RevocationFeedPoller,
    IntrospectionService,
    {
      provide: CognitoClient,
      inject: [GATEWAY_CONFIG, Metrics, SecurityEvents],
      useFactory: (config: GatewayConfig, metrics: Metrics, events: SecurityEvents) =>
        new CognitoClient(config.cognito, config.cognito.upstreamTimeoutMs, { metrics, events }),
    },
    { provide: RefreshTokens, inject: [GATEWAY_KEYS], useFactory: (keys: GatewayKeys) => new RefreshTokens(keys.refreshTokens) },
    // One cookie signer for consent memory, CSRF and the upstream browser binding (COOKIE_SECRET).
    { provide: SignedCookies, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => new SignedCookies(config.keys.cookieSecret, config.http.secureCookies) },
    {
      provide: UpstreamBrowserBinding,
      inject: [SignedCookies, GATEWAY_CONFIG],
      useFactory: (cookies: SignedCookies, config: GatewayConfig) => new UpstreamBrowserBinding(cookies, config.lifetimes.pendingAuthorizationSeconds),
    },
    SecurityEvents,
    ClientRegistry,
    ClientAuthenticator,
    RegistrationService,
    AuthorizationService,
    CognitoStrategy,
    CognitoCallbackGuard,
    CallbackService,
    UpstreamRevocation,
    UpstreamRevocationRetrier,
    GrantRevocation,
    RevocationFeed,
    AccessTokenIssuer,
    AuthorizationCodeGrant,
    UpstreamRefresh,
    RefreshSingleFlight,
    RefreshTokenGrant,
    TokenService,
    RevocationService,
    AccountService,
  ],
  exports: [CognitoClient, GATEWAY_KEYS],
})
export class OAuthModule {}
