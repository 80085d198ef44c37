/**
 * One OAuth error hierarchy for both services (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7591 §3.2.2;
 * RFC 8707 §2). Each class carries its wire `error` code and HTTP status; `description` goes on the
 * wire (fixed, safe text), `reason` goes only to logs and events.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;

  constructor(
    /** Safe, human-readable text for `error_description`. */
    readonly description: string,
    /** What really happened, for logs only (never sent). */
    readonly reason?: string,
  ) {
    super(description);
    this.name = new.target.name;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}
/** RFC 6749 §5.2: 401 when the client tried to authenticate (with a WWW-Authenticate for Basic). */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
}
export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}
export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}
export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}
export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}
export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}
/** RFC 8707 §2: the requested resource is unknown or not allowed. */
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
}
export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
  override readonly status = 403;
}
/** RFC 7591 §3.2.2 */
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
}
/** RFC 7591 §3.2.2 */
export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
}
/** RFC 6750 §3.1 */
export class InvalidToken extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
}
/** RFC 6750 §3.1: the token is fine but lacks `requiredScopes`. */
export class InsufficientScope extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;
  constructor(
    readonly requiredScopes: readonly string[],
    description = `This operation needs the scope(s): ${requiredScopes.join(' ')}`,
  ) {
    super(description);
  }
}
/** A rate limit was hit (RFC 6585 §4): 429 with `Retry-After`. */
export class TooManyRequests extends OAuthError {
  readonly error = 'too_many_requests';
  override readonly status = 429;
  constructor(
    description: string,
    reason?: string,
    /** `Retry-After` (RFC 9110 §10.2.3), seconds. */
    readonly retryAfterSeconds = 60,
  ) {
    super(description, reason);
  }
}
/**
 * A dependency (Cognito, the table, a key set) is unavailable: RFC 6749 §4.1.2.1 `temporarily_unavailable`, 503 with
 * `Retry-After` on direct responses. Not the client's fault: it may retry the same request.
 */
export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
  constructor(
    description: string,
    reason?: string,
    /** `Retry-After` (RFC 9110 §10.2.3), seconds. */
    readonly retryAfterSeconds = 5,
  ) {
    super(description, reason);
  }
}
/** Anything unexpected: the wire learns nothing about it. */
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
  constructor(reason?: string) {
    super('The server could not complete the request.', reason);
  }
}
