/**
 * Security events: one vocabulary, typed, for every service (and, through the shared emitter in
 * libs/nest-platform, one log shape). Names are stable so that alarms, dashboards and searches can key on them.
 * Fields never carry a secret - no token, code, verifier, cookie or client secret, and no refresh-token prefix:
 * a grant is named by `grant`, a reference that cannot be turned back into its id (see `grantReference`).
 */
export interface SecurityEventFields {
  // registration (RFC 7591) and client identity
  'client.registered': { client_id: string; client_name?: string; auth_method: string; redirect_hosts: string[] };
  'client.registration_rejected': { error: string; reason: string };
  'client.registration_rate_limited': { ip?: string };
  'client.metadata_document_rejected': { client_id: string; reason: string };
  // authorization and consent
  'consent.granted': { client_id: string; resource: string; scope: string };
  'consent.denied': { client_id: string; resource: string };
  'consent.remembered': { client_id: string; resource: string };
  /** Consent remembered in this browser was given by someone else than the person who just signed in: asked again. */
  'consent.user_changed': { client_id: string; resource: string };
  'authorization.rate_limited': { client_id: string; ip?: string };
  'upstream.redirected': { client_id: string };
  'upstream.callback_rejected': { client_id?: string; reason: string };
  'upstream.error': { operation: 'authorize' | 'token' | 'refresh' | 'revoke'; reason: string; client_id?: string; grant?: string };
  /** Cognito did not confirm a refresh-token revocation (only HTTP 200 does) after the bounded retries. */
  'upstream.revocation_failed': { grant: string; client_id: string; reason: string; attempts: number; status?: number; recorded: boolean };
  /** A recorded revocation was retried later: `revoked` (done) or `failed` (retried again later, until the token expires). */
  'upstream.revocation_retried': { grant: string; client_id: string; outcome: 'revoked' | 'failed'; attempts: number; reason?: string };
  /** Cognito refused the first client secret and accepted the second: finish the secret rotation. */
  'upstream.client_secret_fallback': { operation: 'token' | 'revoke' };
  /** Cognito refused a refresh that another request of this grant had already made: not the user's fault, grant kept. */
  'upstream.refresh_raced': { client_id: string; grant: string };
  /** The browser was sent through Cognito's /logout. */
  'session.signed_out': { cognito_logout: boolean };
  // codes, tokens, grants
  'authorization_code.issued': { client_id: string; sub: string; scope: string };
  'authorization_code.consumed': { client_id: string; sub: string; grant: string };
  'authorization_code.replayed': { client_id: string; grant?: string };
  'token.issued': { grant_type: string; client_id: string; sub: string; grant: string; jti: string };
  'token.refused': { grant_type?: string; error: string; reason?: string; client_id?: string };
  'refresh_token.rotated': { client_id: string; grant: string; generation: number };
  'refresh_token.reused': { client_id: string; grant: string; sub: string };
  'grant.revoked': { client_id: string; sub: string; grant: string; reason: string };
  // introspection (RFC 7662)
  /** A caller of /introspect failed to authenticate as a registered resource server (never the token or secret). */
  'introspection.refused': { reason: string };
  /**
   * Every grant of a user ended and a user-level entry written to the revocation feed (offboarding, "sign out
   * everywhere", a Cognito disable/delete/global sign-out). `actor` says who: `user`, `admin:<operator>`, `cognito:<event>`.
   */
  'user.revoked': { sub: string; reason: string; actor: string; grants: number };
  // the account page (/account)
  /** A user signed in to the account page (its own 15-minute session). */
  'account.signed_in': { sub: string };
  /** The account page refused a request: a form without a valid CSRF token or session, a grant not the caller's, a rate limit. */
  'account.refused': { reason: string; sub?: string; ip?: string };
  // resource servers (MCP servers)
  'resource.origin_refused': { origin: string };
  'resource.token_refused': { reason: string; status: number; detail?: string };
  'resource.insufficient_scope': { sub: string; required: string[]; missing: string[] };
  'tool.failed': { tool: string; sub: string };
}

export type SecurityEventName = keyof SecurityEventFields;

/** Events that say something was refused or looks like an attack: logged at `warn`, the rest at `info`. */
export const WARNING_EVENTS: ReadonlySet<SecurityEventName> = new Set<SecurityEventName>([
  'client.registration_rejected',
  'client.registration_rate_limited',
  'authorization.rate_limited',
  'consent.user_changed',
  'client.metadata_document_rejected',
  'upstream.callback_rejected',
  'upstream.error',
  'upstream.revocation_failed',
  'upstream.client_secret_fallback',
  'upstream.refresh_raced',
  'authorization_code.replayed',
  'token.refused',
  'refresh_token.reused',
  'introspection.refused',
  'user.revoked',
  'account.refused',
  'resource.origin_refused',
  'resource.token_refused',
  'resource.insufficient_scope',
  'tool.failed',
]);
