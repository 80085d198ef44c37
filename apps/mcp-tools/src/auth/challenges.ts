/**
 * `WWW-Authenticate` challenges of this resource server (RFC 6750 §3, RFC 9728 §5.1, MCP authorization).
 */

/**
 * RFC 9728 §3.1: the metadata URL of a resource with a path inserts the well-known segment between
 * origin and path: `https://host/mcp` -> `https://host/.well-known/oauth-protected-resource/mcp`.
 * Built from the configured resource, never from the Host header (which a client controls).
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/** A quoted-string (RFC 9110 §5.6.4). Our values are fixed texts and URLs; escaping is belt and braces. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function bearer(params: ReadonlyArray<readonly [string, string]>): string {
  return `Bearer ${params.map(([k, v]) => `${k}=${quoted(v)}`).join(', ')}`;
}

/** Builds the challenges once per process (the inputs are configuration). */
export class Challenges {
  readonly resourceMetadata: string;
  private readonly scope: string;

  constructor(resource: string, advertisedScopes: readonly string[]) {
    this.resourceMetadata = protectedResourceMetadataUrl(resource);
    this.scope = advertisedScopes.join(' ');
  }

  /** RFC 6750 §3.1: a request without credentials gets no `error` attribute. */
  noCredentials(): string {
    return bearer([
      ['resource_metadata', this.resourceMetadata],
      ['scope', this.scope],
    ]);
  }

  /** RFC 6750 §3.1 `invalid_token` (401) or `invalid_request` (400). */
  error(error: 'invalid_token' | 'invalid_request', description: string): string {
    return bearer([
      ['error', error],
      ['error_description', description],
      ['resource_metadata', this.resourceMetadata],
      ['scope', this.scope],
    ]);
  }

  /** RFC 6750 §3.1 + MCP step-up authorization: `scope` lists everything the operation needs. */
  insufficientScope(required: readonly string[]): string {
    return bearer([
      ['error', 'insufficient_scope'],
      ['scope', required.join(' ')],
      ['resource_metadata', this.resourceMetadata],
    ]);
  }
}
