/**
 * Minting gateway access tokens (RFC 9068) - used by the auth-gateway only.
 */
import { SignJWT, base64url, decodeJwt } from 'jose';
import { withLowSSignature } from './ecdsa-low-s';
import { formatScope, parseScope } from '@mcp-cognito/oauth';
import { ACCESS_TOKEN_TYP } from './access-token.format';
import type { AccessTokenClaims } from './access-token.format';
import { epochSeconds, systemClock, type Clock } from '@mcp-cognito/contracts';
import { encryptWithKeyRing } from './jwe';
import type { EncryptionKeyRing } from './keys/encryption-keys';
import { SIGNING_ALG } from './keys/signing-keys';
import type { SigningKeySet } from './keys/signing-keys';

/** Everything the gateway needs to mint, built once at startup by {@link createAccessTokenSigner}. */
export interface AccessTokenSigner {
  readonly issuer: string;
  readonly signingKeys: SigningKeySet;
  readonly tokenEncryptionKeys: EncryptionKeyRing;
  /** Default lifetime in seconds (capped by the Cognito token's `exp`). */
  readonly accessTokenTtlSeconds: number;
  readonly clock: Clock;
}

/** Options for {@link createAccessTokenSigner}. */
export interface AccessTokenSignerOptions {
  /** The gateway issuer, byte-identical to the metadata `issuer`. */
  issuer: string;
  signingKeys: SigningKeySet;
  /** TOKEN_ENCRYPTION_KEYS: encrypts the `cognito_token` claim. */
  tokenEncryptionKeys: EncryptionKeyRing;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/** Bundles the signing configuration; validates it. */
export function createAccessTokenSigner(options: AccessTokenSignerOptions): AccessTokenSigner {
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError('accessTokenTtlSeconds must be a positive integer');
  if (typeof options.issuer !== 'string' || options.issuer === '') throw new TypeError('issuer is required');
  return Object.freeze({
    issuer: options.issuer,
    signingKeys: options.signingKeys,
    tokenEncryptionKeys: options.tokenEncryptionKeys,
    accessTokenTtlSeconds: ttl,
    clock: options.clock ?? systemClock,
  });
}

/** What the gateway knows when it mints. */
export interface MintAccessTokenInput {
  /** The Cognito user's `sub`; must equal the `sub` inside `cognitoAccessToken`. */
  subject: string;
  /** The RFC 8707 resource the client asked for (already validated against the configured list). */
  audience: string;
  /** The MCP client's `client_id`. */
  clientId: string;
  /** Granted scopes, as a list or a space-delimited string. */
  scope: string | readonly string[];
  /** The Cognito access token (already verified by the gateway); embedded encrypted. */
  cognitoAccessToken: string;
  /** Overrides the signer's default lifetime. */
  ttlSeconds?: number;
  /** The grant's one-way reference (`grant_ref`), matched by resource servers against the revocation feed. */
  grantRef?: string;
}

/** A freshly minted token. Times are epoch seconds. */
export interface MintedAccessToken {
  token: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
  /** `expires_in` for the token response: `expiresAt - issuedAt`. */
  expiresIn: number;
}

/** Why minting was refused (programming or flow errors in the gateway; never a client's fault). */
export type MintErrorCode = 'invalid_input' | 'cognito_token_unreadable' | 'cognito_token_expired' | 'subject_mismatch';

/** Thrown by {@link mintAccessToken}. The message holds no token material. */
export class MintError extends Error {
  constructor(
    readonly code: MintErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MintError';
  }
}

/**
 * Mints an RFC 9068 access token: header `typ: at+jwt`, `alg: ES256`, `kid` of the active key; claims
 * per {@link AccessTokenClaims}. `exp` = min(now + ttl, Cognito `exp`).
 *
 * Throws {@link MintError} `cognito_token_expired` when the Cognito token has expired (refresh it at
 * Cognito first), `subject_mismatch` when `subject` is not the Cognito token's `sub`.
 */
export async function mintAccessToken(input: MintAccessTokenInput, signer: AccessTokenSigner): Promise<MintedAccessToken> {
  for (const field of ['subject', 'audience', 'clientId', 'cognitoAccessToken'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') throw new MintError('invalid_input', `${field} is required`);
  }
  if (input.grantRef !== undefined && (typeof input.grantRef !== 'string' || input.grantRef === '')) throw new MintError('invalid_input', 'grantRef must be a non-empty string');
  let scope: string;
  try {
    const list = typeof input.scope === 'string' ? parseScope(input.scope) : input.scope;
    if (list === undefined) throw new TypeError('scope is not a list of RFC 6749 §3.3 scope tokens');
    scope = formatScope(list);
  } catch (err) {
    throw new MintError('invalid_input', (err as Error).message);
  }
  const ttl = input.ttlSeconds ?? signer.accessTokenTtlSeconds;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new MintError('invalid_input', 'ttlSeconds must be a positive integer');

  // The gateway verified the Cognito token already; here we only read `exp` and `sub` from it.
  let cognito: { exp?: unknown; sub?: unknown };
  try {
    cognito = decodeJwt(input.cognitoAccessToken);
  } catch {
    throw new MintError('cognito_token_unreadable', 'the Cognito access token is not a JWT');
  }
  if (typeof cognito.exp !== 'number' || !Number.isFinite(cognito.exp)) {
    throw new MintError('cognito_token_unreadable', 'the Cognito access token has no numeric exp');
  }
  if (cognito.sub !== input.subject) throw new MintError('subject_mismatch', 'subject is not the Cognito token\'s sub');

  const iat = epochSeconds(signer.clock);
  // docs/architecture.md#tokens: `exp` is never later than the embedded Cognito token's `exp`.
  const exp = Math.min(iat + ttl, Math.floor(cognito.exp));
  if (exp <= iat) throw new MintError('cognito_token_expired', 'the Cognito access token has expired; refresh it first');

  // RFC 9068 §2.2 / RFC 7519 §4.1.7: a unique identifier, 128 random bits.
  const jti = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
  const claims: AccessTokenClaims = {
    iss: signer.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    scope,
    jti,
    iat,
    exp,
    cognito_token: await encryptWithKeyRing(input.cognitoAccessToken, signer.tokenEncryptionKeys),
    ...(input.grantRef !== undefined ? { grant_ref: input.grantRef } : {}),
  };
  const signed = await new SignJWT({ ...claims })
    // RFC 9068 §2.1: typ "at+jwt"; RFC 7515 §4.1.4: kid names the key in the published JWKS.
    .setProtectedHeader({ alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid: signer.signingKeys.active.kid })
    .sign(signer.signingKeys.active.privateKey);
  // One spelling per token: verifiers refuse the high-S twin (ecdsa-low-s.ts).
  const token = withLowSSignature(signed);
  return { token, jti, issuedAt: iat, expiresAt: exp, expiresIn: exp - iat };
}
