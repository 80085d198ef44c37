/**
 * Rules for Amazon Cognito user-pool tokens, shared by the gateway callback and the resource servers.
 *
 * Cognito access token (RS256, `kid`): `iss` = `https://cognito-idp.<region>.amazonaws.com/<poolId>`,
 * `token_use: "access"`, `client_id`, `sub`, `username`, `scope`, `cognito:groups`, `exp`, `iat`; no
 * `aud`. ID token: `token_use: "id"`, `aud` = client id, `cognito:username`.
 * See https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 */
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { parseScope } from '@mcp-cognito/oauth';
import { COGNITO_ALGORITHMS } from '../access-token.format';
import { systemClock, type Clock } from '@mcp-cognito/contracts';
import type { JwtCheckFailure } from './jose-errors';
import { checkJwt } from './jwt-check';
import { createKeyResolver } from './jwks';
import type { JwksSource } from './jwks';
import type { FailureReason } from './reasons';

/** Where and what Cognito is. */
export interface CognitoVerifierOptions {
  /** The user pool issuer, e.g. `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC` (byte-identical). */
  issuer: string;
  /** The gateway's Cognito app client id: the only `client_id` (access) / `aud` (ID) accepted. */
  clientId: string;
  /** Usually `{ url: <issuer>/.well-known/jwks.json }`. */
  jwks: JwksSource;
  /** Default 30. */
  clockToleranceSeconds?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/** The parts of a verified Cognito access token that callers use. Times in epoch seconds. */
export interface CognitoAccessTokenClaims {
  sub: string;
  username: string;
  clientId: string;
  scopes: string[];
  groups: string[];
  exp: number;
  iat: number;
  /** The whole verified payload. */
  payload: JWTPayload;
}

/** The parts of a verified Cognito ID token that callers use. */
export interface CognitoIdTokenClaims {
  sub: string;
  /** `cognito:username`. */
  username: string;
  email?: string;
  groups: string[];
  exp: number;
  iat: number;
  payload: JWTPayload;
}

/** Failure reasons a Cognito check can produce (a subset of {@link FailureReason}). */
export type CognitoFailureReason = Extract<FailureReason, `cognito_${string}` | 'jwks_unavailable'>;

/** Result of one Cognito token check. */
export type CognitoResult<T> = { ok: true; claims: T } | { ok: false; reason: CognitoFailureReason; detail?: string };

/** Verifies Cognito tokens; holds the (cached) Cognito JWKS. Create once per process. */
export interface CognitoVerifier {
  /** Signature (RS256), `iss`, `exp`/`iat`, `token_use: access`, `client_id`. */
  verifyAccessToken(token: string): Promise<CognitoResult<CognitoAccessTokenClaims>>;
  /** Signature (RS256), `iss`, `aud` = client id, `exp`/`iat`, `token_use: id`. */
  verifyIdToken(token: string): Promise<CognitoResult<CognitoIdTokenClaims>>;
}

const PREFIXED: Record<JwtCheckFailure, CognitoFailureReason> = {
  malformed: 'cognito_malformed',
  missing_claims: 'cognito_malformed',
  wrong_type: 'cognito_malformed',
  unsupported_alg: 'cognito_unsupported_alg',
  unknown_kid: 'cognito_unknown_kid',
  bad_signature: 'cognito_bad_signature',
  issuer_mismatch: 'cognito_issuer_mismatch',
  // Only ID tokens carry `aud`, and there it is the app client id.
  audience_mismatch: 'cognito_client_mismatch',
  not_yet_valid: 'cognito_not_yet_valid',
  expired: 'cognito_expired',
  jwks_unavailable: 'jwks_unavailable',
};

/** Builds a {@link CognitoVerifier}. */
export function createCognitoVerifier(options: CognitoVerifierOptions): CognitoVerifier {
  const getKey: JWTVerifyGetKey = createKeyResolver(options.jwks);
  const clock = options.clock ?? systemClock;
  const tolerance = options.clockToleranceSeconds ?? 30;

  async function check(token: string, tokenUse: 'access' | 'id'): Promise<CognitoResult<JWTPayload>> {
    if (typeof token !== 'string' || token === '') return { ok: false, reason: 'cognito_malformed', detail: 'empty token' };
    const result = await checkJwt(token, getKey, {
      algorithms: COGNITO_ALGORITHMS,
      issuer: options.issuer,
      audience: tokenUse === 'id' ? options.clientId : undefined,
      requiredClaims: ['iss', 'sub', 'exp', 'iat', 'token_use'],
      nowMs: clock.now(),
      clockToleranceSeconds: tolerance,
    });
    if (!result.ok) return { ok: false, reason: PREFIXED[result.reason], detail: result.detail };
    const p = result.payload;
    // Cognito docs: check `token_use` - an ID token must never be accepted as an access token.
    if (p['token_use'] !== tokenUse) return { ok: false, reason: 'cognito_wrong_token_use', detail: `token_use is not "${tokenUse}"` };
    // Cognito docs: the access token's `client_id` must be our app client (the ID token's `aud` was checked by jose).
    if (tokenUse === 'access' && p['client_id'] !== options.clientId) {
      return { ok: false, reason: 'cognito_client_mismatch', detail: 'client_id is not the gateway app client' };
    }
    if (typeof p.sub !== 'string' || p.sub === '') return { ok: false, reason: 'cognito_malformed', detail: 'no "sub"' };
    return { ok: true, claims: p };
  }

  return {
    async verifyAccessToken(token) {
      const r = await check(token, 'access');
      if (!r.ok) return r;
      const p = r.claims;
      if (typeof p['username'] !== 'string' || p['username'] === '') return { ok: false, reason: 'cognito_malformed', detail: 'no "username"' };
      const scopes = parseScope(p['scope']);
      if (scopes === undefined) return { ok: false, reason: 'cognito_malformed', detail: '"scope" must be a string of scope tokens' };
      const groups = readGroups(p);
      if (!groups) return { ok: false, reason: 'cognito_malformed', detail: '"cognito:groups" must be a string array' };
      return {
        ok: true,
        claims: {
          sub: p.sub as string,
          username: p['username'],
          clientId: p['client_id'] as string,
          scopes,
          groups,
          exp: p.exp as number,
          iat: p.iat as number,
          payload: p,
        },
      };
    },
    async verifyIdToken(token) {
      const r = await check(token, 'id');
      if (!r.ok) return r;
      const p = r.claims;
      const username = p['cognito:username'];
      if (typeof username !== 'string' || username === '') return { ok: false, reason: 'cognito_malformed', detail: 'no "cognito:username"' };
      const groups = readGroups(p);
      if (!groups) return { ok: false, reason: 'cognito_malformed', detail: '"cognito:groups" must be a string array' };
      const email = typeof p['email'] === 'string' ? p['email'] : undefined;
      return {
        ok: true,
        claims: { sub: p.sub as string, username, email, groups, exp: p.exp as number, iat: p.iat as number, payload: p },
      };
    },
  };
}

function readGroups(p: JWTPayload): string[] | undefined {
  const groups = p['cognito:groups'];
  if (groups === undefined) return [];
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) return undefined;
  return [...groups];
}

/** Tokens from Cognito's `/oauth2/token` response. */
export interface CognitoTokenSet {
  accessToken: string;
  /** Checked when present (`openid` scope). */
  idToken?: string;
}

/** Result of {@link verifyCognitoTokens}; on failure `token` says which one failed. */
export type VerifyCognitoTokensResult =
  | { ok: true; access: CognitoAccessTokenClaims; id?: CognitoIdTokenClaims }
  | { ok: false; token: 'access' | 'id'; reason: CognitoFailureReason | 'binding_mismatch'; detail?: string };

/**
 * The gateway callback's check (docs/architecture.md#the-flow step 4): the access token by the same rules resource servers
 * apply, the ID token (if any) with `token_use: id` and `aud` = client id, and both about the same `sub`.
 */
export async function verifyCognitoTokens(verifier: CognitoVerifier, tokens: CognitoTokenSet): Promise<VerifyCognitoTokensResult> {
  const access = await verifier.verifyAccessToken(tokens.accessToken);
  if (!access.ok) return { ok: false, token: 'access', reason: access.reason, detail: access.detail };
  if (tokens.idToken === undefined) return { ok: true, access: access.claims };
  const id = await verifier.verifyIdToken(tokens.idToken);
  if (!id.ok) return { ok: false, token: 'id', reason: id.reason, detail: id.detail };
  if (id.claims.sub !== access.claims.sub) return { ok: false, token: 'id', reason: 'binding_mismatch', detail: 'ID and access token name different users' };
  return { ok: true, access: access.claims, id: id.claims };
}
