import type { OAuthClient } from '../../clients/oauth-client';
import type { TokenResponse } from '../token-response';

/** One grant type (RFC 6749 §4): its `grant_type` value and the use case behind it, one file each. */
export interface GrantHandler {
  readonly grantType: string;
  /** `params`: the token request's form parameters (each once, RFC 6749 §3.2); `client` is authenticated. */
  handle(params: Record<string, string>, client: OAuthClient): Promise<TokenResponse>;
}
