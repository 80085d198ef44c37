/**
 * Test fixtures: a loopback JWKS server, a Cognito-shaped token issuer and a gateway setup.
 * Servers bind 127.0.0.1 only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload } from 'jose';
import {
  createAccessTokenSigner,
  createAccessTokenVerifier,
  encryptWithKeyRing,
  generateEncryptionKeySet,
  generateSigningKeySet,
  parseEncryptionKeyRing,
  parseSigningKeySet,
  withLowSSignature,
} from '../src/index';
import type { AccessTokenSigner, AccessTokenVerifierOptions, EncryptionKeyRing, SigningKeySet } from '../src/index';

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public nowMs = Date.now()) {}
  readonly now = (): number => this.nowMs;
  advanceSeconds(s: number): void {
    this.nowMs += s * 1000;
  }
  get seconds(): number {
    return Math.floor(this.nowMs / 1000);
  }
}

/** A tiny JWKS server whose key set (or HTTP status) can change mid-test; counts requests. */
export interface JwksServer {
  readonly base: string;
  requests: number;
  jwks: JSONWebKeySet;
  status: number;
  close(): Promise<void>;
}

export async function startJwksServer(jwks: JSONWebKeySet): Promise<JwksServer> {
  const state = { requests: 0, jwks, status: 200 };
  const server = createServer((_req, res) => {
    state.requests++;
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(state.status === 200 ? JSON.stringify(state.jwks) : '{"message":"unavailable"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** An RSA key with its public JWK. */
export interface RsaKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function rsaKey(kid: string): Promise<RsaKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Claim overrides; `undefined` removes a claim. */
export type Overrides = Record<string, unknown>;

function applyOverrides(base: JWTPayload, overrides: Overrides): JWTPayload {
  const out: Record<string, unknown> = { ...base, ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete out[k];
  return out as JWTPayload;
}

export const POOL_ID = 'us-east-1_TestPool';
export const COGNITO_CLIENT_ID = 'gateway-app-client';
export const USER_SUB = '4f0c6d2a-9b1e-4c3a-8e7d-1a2b3c4d5e6f';

/** A stand-in for a Cognito user pool: RS256 key, JWKS on loopback under `<base>/<poolId>`, token factory. */
export interface FakeCognito {
  server: JwksServer;
  issuer: string;
  jwksUrl: string;
  key: RsaKey;
  accessToken(overrides?: Overrides, signWith?: { key?: RsaKey; alg?: string }): Promise<string>;
  idToken(overrides?: Overrides): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeCognito(clock: FakeClock): Promise<FakeCognito> {
  const key = await rsaKey('cognito-key-1');
  const server = await startJwksServer({ keys: [key.publicJwk] });
  const issuer = `${server.base}/${POOL_ID}`;
  const sign = (payload: JWTPayload, k: RsaKey, alg = 'RS256') =>
    new SignJWT(payload).setProtectedHeader({ alg, kid: k.kid }).sign(k.privateKey);
  return {
    server,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    key,
    accessToken(overrides = {}, signWith = {}) {
      const now = clock.seconds;
      // Shaped like a Cognito access token: no `aud`, `client_id` + `token_use` instead.
      const base: JWTPayload = {
        sub: USER_SUB,
        'cognito:groups': ['admins', 'readers'],
        iss: issuer,
        version: 2,
        client_id: COGNITO_CLIENT_ID,
        origin_jti: 'origin-jti-1',
        event_id: 'event-1',
        token_use: 'access',
        scope: 'openid mcp-server/read mcp-server/write',
        auth_time: now,
        exp: now + 3600,
        iat: now,
        jti: `cognito-jti-${Math.random()}`,
        username: 'alice',
      };
      return sign(applyOverrides(base, overrides), signWith.key ?? key, signWith.alg);
    },
    idToken(overrides = {}) {
      const now = clock.seconds;
      const base: JWTPayload = {
        sub: USER_SUB,
        'cognito:groups': ['admins', 'readers'],
        email_verified: true,
        iss: issuer,
        'cognito:username': 'alice',
        aud: COGNITO_CLIENT_ID,
        event_id: 'event-1',
        token_use: 'id',
        auth_time: now,
        exp: now + 3600,
        iat: now,
        email: 'alice@example.com',
      };
      return sign(applyOverrides(base, overrides), key);
    },
    close: () => server.close(),
  };
}

export const GATEWAY_ISSUER = 'https://gateway.example.com';
export const RESOURCE = 'https://mcp.example.com/mcp';
export const MCP_CLIENT_ID = 'mcp-client-123';

/** The gateway side: keys, ring, signer; plus a verifier factory wired to a fake Cognito. */
export interface GatewayFixture {
  clock: FakeClock;
  cognito: FakeCognito;
  signingKeys: SigningKeySet;
  ring: EncryptionKeyRing;
  signer: AccessTokenSigner;
  verifier(overrides?: Partial<AccessTokenVerifierOptions>): ReturnType<typeof createAccessTokenVerifier>;
  /** Signs arbitrary claims/header with the active gateway key, bypassing `mintAccessToken`'s rules. */
  signRaw(claims: Overrides, header?: Record<string, unknown>): Promise<string>;
  /** Claims a minted token would have, for a given Cognito token. */
  claimsFor(cognitoToken: string, overrides?: Overrides): Promise<JWTPayload>;
  close(): Promise<void>;
}

export async function createGatewayFixture(): Promise<GatewayFixture> {
  const clock = new FakeClock();
  // Keys first: if they fail, no server is left open to keep Jest alive.
  const signingKeys = await parseSigningKeySet(await generateSigningKeySet());
  const ring = await parseEncryptionKeyRing(await generateEncryptionKeySet(), 'TOKEN_ENCRYPTION_KEYS');
  const cognito = await startFakeCognito(clock);
  const signer = createAccessTokenSigner({ issuer: GATEWAY_ISSUER, signingKeys, tokenEncryptionKeys: ring, clock });
  return {
    clock,
    cognito,
    signingKeys,
    ring,
    signer,
    verifier: (overrides = {}) =>
      createAccessTokenVerifier({
        issuer: GATEWAY_ISSUER,
        audience: RESOURCE,
        gatewayJwks: { jwks: signingKeys.publicJwks },
        tokenEncryptionKeys: ring,
        cognito: { issuer: cognito.issuer, clientId: COGNITO_CLIENT_ID, jwks: { url: cognito.jwksUrl } },
        clock,
        ...overrides,
      }),
    // In the gateway's one spelling (low-S), so that only the check under test can refuse the token.
    signRaw: async (claims, header = {}) =>
      withLowSSignature(
        await new SignJWT(claims as JWTPayload)
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: signingKeys.active.kid, ...header })
          .sign(signingKeys.active.privateKey),
      ),
    claimsFor: async (cognitoToken, overrides = {}) =>
      applyOverrides(
        {
          iss: GATEWAY_ISSUER,
          sub: USER_SUB,
          aud: RESOURCE,
          client_id: MCP_CLIENT_ID,
          scope: 'mcp-server/read',
          jti: 'jti-raw',
          iat: clock.seconds,
          exp: clock.seconds + 600,
          cognito_token: await encryptWithKeyRing(cognitoToken, ring),
        },
        overrides,
      ),
    close: () => cognito.close(),
  };
}

/** base64url of a JSON value, for hand-crafted tokens. */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
