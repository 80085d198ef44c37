import type { OAuthError } from '@mcp-cognito/oauth';

/**
 * Builds the authorization response URL on a *validated* redirect URI (RFC 6749 §4.1.2), always with
 * `iss` (RFC 9207) and the client's `state` when it sent one.
 */
export function clientRedirectUrl(redirectUri: string, issuer: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  url.searchParams.set('iss', issuer);
  return url.toString();
}

/**
 * An error after the client and redirect URI were validated: it goes back to the client as
 * `error`, `error_description`, `state`, `iss` on the redirect URI (RFC 6749 §4.1.2.1, RFC 9207).
 */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly oauth: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(oauth.description);
  }

  location(issuer: string): string {
    return clientRedirectUrl(this.redirectUri, issuer, {
      error: this.oauth.error,
      error_description: this.oauth.description,
      state: this.state,
    });
  }
}
