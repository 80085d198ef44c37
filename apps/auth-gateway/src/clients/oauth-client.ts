import type { TokenEndpointAuthMethod } from '@mcp-cognito/oauth';

/** A client as the flow sees it, wherever it came from (static config, RFC 7591 registration, CIMD). */
export interface OAuthClient {
  clientId: string;
  source: 'static' | 'dynamic' | 'metadata-document';
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** SHA-256 hex of the secret (confidential clients only). */
  clientSecretHash?: string;
  grantTypes: string[];
  clientName?: string;
  clientUri?: string;
  logoUri?: string;
  /** Scopes this client may ask for; absent = every scope the gateway offers. */
  scope?: string;
  /** A dynamic registration not used yet (it expires unless {@link ClientRegistry.markUsed} runs). */
  unused?: boolean;
}
