import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { CLOCK } from '@mcp-cognito/nest-platform';
import type { Clock } from '@mcp-cognito/storage';
import type { GatewayConfig } from './app/gateway-config';
import { GATEWAY_CONFIG } from './app/gateway-config';
import { AuthorizeController } from './authorize/authorize.controller';
import { CallbackController } from './callback/callback.controller';
import { CognitoCallbackGuard } from './callback/cognito-callback.guard';
import { ClientAuthenticator } from './clients/client-authentication';
import { ClientRegistry } from './clients/client-registry.service';
import { DiscoveryController } from './discovery/discovery.controller';
import { SecurityEvents } from './events/security-events';
import { GATEWAY_KEYS, loadGatewayKeys } from './keys/gateway-keys';
import { RegistrationController } from './registration/registration.controller';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant';
import { GrantContext } from './token/grants/grant-context';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant';
import { RevocationController } from './token/revocation.controller';
import { TokenController } from './token/token.controller';
import { CognitoClient } from './upstream/cognito-client';
import { CognitoStrategy } from './upstream/cognito.strategy';
import { SignedCookies } from './authorize/signed-cookies';
import { UpstreamBrowserBinding } from './upstream/browser-binding';

/** The authorization server: discovery, registration, authorize/consent, callback, token, revoke. */
@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [DiscoveryController, RegistrationController, AuthorizeController, CallbackController, TokenController, RevocationController],
  providers: [
    { provide: GATEWAY_KEYS, inject: [GATEWAY_CONFIG, CLOCK], useFactory: (config: GatewayConfig, clock: Clock) => loadGatewayKeys(config, clock) },
    { provide: CognitoClient, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => new CognitoClient(config.cognito, config.cognito.upstreamTimeoutMs) },
    // One cookie signer for consent memory, CSRF and the upstream browser binding.
    { provide: SignedCookies, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => new SignedCookies(config.keys.cookieSecret, config.http.secureCookies) },
    {
      provide: UpstreamBrowserBinding,
      inject: [SignedCookies, GATEWAY_CONFIG],
      useFactory: (cookies: SignedCookies, config: GatewayConfig) => new UpstreamBrowserBinding(cookies, config.lifetimes.pendingAuthorizationSeconds),
    },
    SecurityEvents,
    ClientRegistry,
    ClientAuthenticator,
    CognitoStrategy,
    CognitoCallbackGuard,
    GrantContext,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
  ],
  exports: [CognitoClient, GATEWAY_KEYS],
})
export class OAuthModule {}
