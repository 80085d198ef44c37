import { GATEWAY_SIGN_OUT_PATHS } from '@mcp-cognito/routing';
import type { GatewayConfig } from '../config/gateway-config';
import { renderPage } from '../http/html';

/** Every cookie the gateway sets is named `mcp-*` (`__Host-mcp-*` over https). */
const GATEWAY_COOKIE = /^(__Host-)?mcp-[A-Za-z0-9-]{1,64}$/;

/** The names of the gateway's cookies this browser sent (and only those: other cookies are not ours to clear). */
export function gatewayCookieNames(cookies: Record<string, unknown> | undefined): string[] {
  return Object.keys(cookies ?? {}).filter((name) => GATEWAY_COOKIE.test(name));
}

/** Cognito's `/logout` for the gateway's app client, back to the registered signed-out page. */
export function cognitoLogoutUrl(config: Pick<GatewayConfig, 'cognito' | 'issuer'>): string {
  const params = new URLSearchParams({ client_id: config.cognito.clientId, logout_uri: `${config.issuer}${GATEWAY_SIGN_OUT_PATHS.signedOut}` });
  return `${config.cognito.logoutUrl}?${params.toString()}`;
}

export function renderSignedOutPage(): string {
  return renderPage(
    'Signed out',
    `<h1>You are signed out</h1>
<p>Your sign-in at the identity provider has ended in this browser. The next application that asks for access will ask you to sign in again.</p>
<p class="muted">Applications you connected keep their access until it expires or you revoke it. You can close this window.</p>`,
  );
}
