import { createHash, randomUUID } from 'node:crypto';
import type { DevUser } from './users';

/**
 * Cognito-shaped claims. Kept free of oidc-provider so the shapes are unit-testable and documented in one place.
 *
 * Access token (Cognito):  sub, cognito:groups?, iss, version, client_id, origin_jti, event_id, token_use,
 *                          scope, auth_time, exp, iat, jti, username  - and no aud.
 * ID token (Cognito):      at_hash, sub, cognito:groups?, email_verified, iss, cognito:username, origin_jti, aud,
 *                          event_id, token_use, auth_time, exp, iat, jti, email
 */

export interface AccessTokenInput {
  user: DevUser;
  issuer: string;
  clientId: string;
  /** oidc-provider grant id; one grant = one sign-in = one refresh-token family, like Cognito's origin_jti. */
  grantId: string;
  scope: string;
  authTime: number;
  iat: number;
  exp: number;
}

export type CognitoAccessTokenClaims = Record<string, unknown> & {
  sub: string;
  iss: string;
  client_id: string;
  token_use: 'access';
  scope: string;
  username: string;
  version: 2;
};

export function accessTokenClaims(
  input: AccessTokenInput,
): CognitoAccessTokenClaims {
  const { user } = input;
  // Property order follows a real Cognito access token, which makes side-by-side comparisons easy.
  return {
    sub: user.sub,
    ...(user.groups.length ? { 'cognito:groups': [...user.groups] } : {}),
    iss: input.issuer,
    version: 2,
    client_id: input.clientId,
    origin_jti: input.grantId,
    event_id: eventIdFor(input.grantId),
    token_use: 'access',
    scope: input.scope,
    auth_time: input.authTime,
    exp: input.exp,
    iat: input.iat,
    jti: randomUUID(),
    username: user.username,
  };
}

/**
 * The claims local-idp adds to oidc-provider's ID token (it supplies iss, aud, sub, exp, iat, auth_time, nonce).
 * `at_hash` carries the access token itself; oidc-provider replaces it with the left-half SHA-256 hash.
 */
export function idTokenExtraClaims(
  user: DevUser,
  opts: { grantId?: string; accessToken?: string; scopes: ReadonlySet<string> },
): Record<string, unknown> {
  return {
    ...(opts.accessToken ? { at_hash: opts.accessToken } : {}),
    ...(user.groups.length ? { 'cognito:groups': [...user.groups] } : {}),
    ...(opts.scopes.has('email') ? { email_verified: user.emailVerified } : {}),
    'cognito:username': user.username,
    ...(opts.grantId
      ? { origin_jti: opts.grantId, event_id: eventIdFor(opts.grantId) }
      : {}),
    token_use: 'id',
    jti: randomUUID(),
    ...(opts.scopes.has('email') ? { email: user.email } : {}),
    ...(opts.scopes.has('profile') && user.name ? { name: user.name } : {}),
  };
}

/** Claims oidc-provider must let through into the ID token (its claims config filters everything else). */
export const ID_TOKEN_OPENID_CLAIMS = [
  'sub',
  // Cognito ID tokens always carry auth_time (oidc-provider would add it only for require_auth_time/max_age,
  // and require_auth_time would also force the openid scope on every request).
  'auth_time',
  'at_hash',
  'cognito:groups',
  'cognito:username',
  'origin_jti',
  'event_id',
  'token_use',
  'jti',
] as const;

/** Claims that are token plumbing rather than user attributes; hidden from discovery's claims_supported. */
export const INTERNAL_CLAIMS = new Set([
  'at_hash',
  'origin_jti',
  'event_id',
  'token_use',
  'jti',
]);

/**
 * Cognito's /oauth2/userInfo answers with user attributes as strings (email_verified is "true", not true)
 * plus `username`. Attributes follow the scopes of the access token.
 */
export function userInfoClaims(
  user: DevUser,
  scopes: ReadonlySet<string>,
): Record<string, string> {
  return {
    sub: user.sub,
    ...(scopes.has('email')
      ? { email_verified: String(user.emailVerified), email: user.email }
      : {}),
    ...(scopes.has('profile') && user.name ? { name: user.name } : {}),
    username: user.username,
  };
}

/**
 * Cognito's event_id identifies the authentication event and stays the same across refreshes. Deriving it from
 * the grant id keeps it stable without storing anything extra. Formatted as a v4-style UUID like Cognito's.
 */
export function eventIdFor(grantId: string): string {
  const h = createHash('sha256').update(`event:${grantId}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
