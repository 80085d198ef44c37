/**
 * The caller, as established from a verified access token.
 */

/** Who is calling, with what rights. Times are epoch seconds. Frozen: shared between cache hits. */
export interface Principal {
  /** The Cognito user's `sub` (equal in both tokens - the binding). */
  readonly sub: string;
  /** Cognito `username`. */
  readonly username: string;
  /** The MCP client (`client_id` of the gateway token). */
  readonly clientId: string;
  /** From the gateway token's `scope`. */
  readonly scopes: readonly string[];
  /** From the Cognito token's `cognito:groups` (empty when absent). */
  readonly groups: readonly string[];
  /** The gateway token's `jti`. */
  readonly jti: string;
  /** The gateway token's `iat` (a user-level revocation refuses tokens issued at or before it). */
  readonly issuedAt: number;
  /** The gateway token's `grant_ref` (a grant revocation refuses every token of that grant); absent in older tokens. */
  readonly grantRef?: string;
  /** min(gateway `exp`, Cognito `exp`): when this principal stops being valid. */
  readonly expiresAt: number;
  /** The gateway token's `aud` (this server's resource URL). */
  readonly audience: string;
}
