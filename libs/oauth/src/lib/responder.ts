/**
 * The one place that turns an OAuth error into what goes on the wire: status, headers and body. The gateway's
 * exception filter and every resource server's request gate answer through it, so a refusal looks the same
 * wherever it is made.
 */
import { InsufficientScope, InvalidClient, InvalidRequest, InvalidToken, OAuthError, TemporarilyUnavailable, TooManyRequests } from './errors';

/** An HTTP answer, framework-free: the caller copies it onto its own response object. Header names are lower-case. */
export interface OAuthAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Errors are never cached (RFC 6749 §5.1/§5.2, RFC 6750 §3). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

function retryAfter(error: OAuthError): Record<string, string> {
  return error instanceof TemporarilyUnavailable || error instanceof TooManyRequests ? { 'retry-after': String(error.retryAfterSeconds) } : {};
}

/**
 * RFC 6749 §5.2 (token, revocation and registration endpoints, and every other JSON endpoint of an authorization
 * server): `{ error, error_description }`, `no-store`; 401 `invalid_client` after a failed Basic authentication
 * carries a Basic challenge; `temporarily_unavailable` and `too_many_requests` carry `Retry-After`.
 */
export function endpointErrorAnswer(error: OAuthError, options: { basicAuthenticationTried?: boolean } = {}): OAuthAnswer {
  const headers: Record<string, string> = { ...NO_STORE, ...retryAfter(error) };
  if (error instanceof InvalidClient && options.basicAuthenticationTried) headers['www-authenticate'] = 'Basic realm="oauth", charset="UTF-8"';
  return { status: error.status, headers, body: error.toJSON() };
}

/** A quoted-string (RFC 9110 §5.6.4). Our values are fixed texts and URLs; escaping is belt and braces. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function bearer(params: ReadonlyArray<readonly [string, string]>): string {
  return `Bearer ${params.map(([k, v]) => `${k}=${quoted(v)}`).join(', ')}`;
}

/** What a resource server refuses a request for: no credentials at all, or an OAuth error about the token or request. */
export type BearerRefusal = 'no_credentials' | InvalidToken | InvalidRequest | InsufficientScope | TemporarilyUnavailable;

/**
 * RFC 6750 §3 and RFC 9728 §5.1 challenges of one protected resource. Built once per process from configuration
 * (the metadata URL and the scopes it advertises), never from request headers.
 */
export class BearerChallenges {
  private readonly scope: string;

  constructor(
    /** The resource's Protected Resource Metadata URL (RFC 9728 §3.1). */
    readonly resourceMetadata: string,
    advertisedScopes: readonly string[],
  ) {
    this.scope = advertisedScopes.join(' ');
  }

  /**
   * - no credentials: 401 with `resource_metadata` and `scope` and no `error` (RFC 6750 §3.1: the client's
   *   discovery step);
   * - `invalid_token` 401 / `invalid_request` 400: the error, its description, `resource_metadata`, `scope`;
   * - `insufficient_scope` 403: `scope` lists everything the operation needs (MCP step-up authorization);
   * - `temporarily_unavailable` 503 + `Retry-After`, no challenge: the token may be fine, we could not check it
   *   (a 401 would make the client throw away a good token).
   */
  answer(refusal: BearerRefusal): OAuthAnswer {
    if (refusal === 'no_credentials') {
      return {
        status: 401,
        headers: { ...NO_STORE, 'www-authenticate': this.challenge([]) },
        body: { error_description: 'Bearer access token required' },
      };
    }
    if (refusal instanceof TemporarilyUnavailable) {
      return { status: 503, headers: { ...NO_STORE, ...retryAfter(refusal) }, body: { error_description: refusal.description } };
    }
    const challenge =
      refusal instanceof InsufficientScope
        ? bearer([
            ['error', refusal.error],
            ['scope', refusal.requiredScopes.join(' ')],
            ['resource_metadata', this.resourceMetadata],
          ])
        : this.challenge([
            ['error', refusal.error],
            ['error_description', refusal.description],
          ]);
    return { status: refusal.status, headers: { ...NO_STORE, 'www-authenticate': challenge }, body: refusal.toJSON() };
  }

  private challenge(first: ReadonlyArray<readonly [string, string]>): string {
    return bearer([...first, ['resource_metadata', this.resourceMetadata], ['scope', this.scope]]);
  }
}

/**
 * RFC 9728 §3.1: the metadata URL of a resource with a path inserts the well-known segment between origin and
 * path: `https://host/mcp` -> `https://host/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}
