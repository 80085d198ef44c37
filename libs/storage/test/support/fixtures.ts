import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuthorizationCodeRecord, NewGrant, UpstreamTokenSet } from '../../src';

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** A fresh random code's hash, as the gateway would store it. */
export const newCodeHash = () => sha256Hex(randomBytes(32).toString('base64url'));

export function upstreamTokens(nowSeconds: number, label = 'v1'): UpstreamTokenSet {
  return {
    accessToken: { ciphertext: `eyJhbGciOiJkaXIi.${label}.access`, keyId: 'enc-2025-01' },
    refreshToken: { ciphertext: `eyJhbGciOiJkaXIi.${label}.refresh`, keyId: 'enc-2025-01' },
    accessTokenExpiresAt: nowSeconds + 3600,
    refreshTokenExpiresAt: nowSeconds + 30 * 86400,
  };
}

export function codeRecord(nowSeconds: number): AuthorizationCodeRecord {
  return {
    clientId: 'client-1',
    redirectUri: 'http://127.0.0.1:33418/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    scope: 'mcp-server/read',
    resource: 'https://mcp.example.com/mcp',
    sub: 'user-sub-1',
    username: 'alice',
    upstream: upstreamTokens(nowSeconds),
  };
}

export function newGrant(nowSeconds: number, overrides: Partial<NewGrant> = {}): NewGrant {
  return {
    grantId: randomUUID(),
    clientId: 'client-1',
    sub: 'user-sub-1',
    username: 'alice',
    scope: 'mcp-server/read mcp-server/write',
    resource: 'https://mcp.example.com/mcp',
    currentRefreshHash: sha256Hex(randomBytes(32).toString('base64url')),
    upstream: upstreamTokens(nowSeconds),
    expiresAt: nowSeconds + 30 * 86400,
    ...overrides,
  };
}
