import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet } from 'jose';
import { LOCAL_COGNITO_CLIENT_ID, LOCAL_USER_POOL_ID, type DevSecrets } from '@mcp-cognito/dev-stack';
import { createAccessTokenSigner, mintAccessToken, parseEncryptionKeyRing, parseSigningKeySet } from '@mcp-cognito/tokens';

/** A loopback server answering fixed JSON documents by path. */
export async function serveJson(routes: Record<string, unknown>): Promise<{ base: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const bodies = new Map(Object.entries(routes).map(([path, doc]) => [path, JSON.stringify(doc)]));
  const server: Server = createServer((req, res) => {
    hits++;
    const body = bodies.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BenchUser {
  sub: string;
  username: string;
  /** The gateway access token (ES256 JWT with the Cognito token sealed inside). */
  token: string;
}

/**
 * A stand-in "Cognito" (an RS256 key whose JWKS a loopback server publishes at
 * `<base>/<pool>/.well-known/jwks.json`) and a stand-in gateway JWKS (`<gatewayBase>/.well-known/jwks.json`),
 * plus a factory for users: a Cognito-shaped access token (token_use access, client_id, iss, username,
 * sub, scope, exp, iat, jti; distinct sub per user) minted into a gateway token with the shared lib.
 */
export class TokenFactory {
  private constructor(
    readonly cognitoBase: string,
    readonly cognitoIssuer: string,
    readonly gatewayBase: string,
    private readonly cognitoKey: { kid: string; privateKey: CryptoKey },
    private readonly signer: Awaited<ReturnType<typeof createAccessTokenSigner>>,
    private readonly servers: Array<{ close(): Promise<void> }>,
    readonly jwksHits: () => number,
  ) {}

  static async start(secrets: DevSecrets): Promise<TokenFactory> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const kid = `bench-cognito-${randomUUID().slice(0, 8)}`;
    const cognitoJwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
    const cognito = await serveJson({ [`/${LOCAL_USER_POOL_ID}/.well-known/jwks.json`]: cognitoJwks });
    const signingKeys = await parseSigningKeySet(secrets.gatewaySigningKeys);
    const gateway = await serveJson({ '/.well-known/jwks.json': signingKeys.publicJwks });
    const signer = createAccessTokenSigner({
      issuer: gateway.base,
      signingKeys,
      tokenEncryptionKeys: await parseEncryptionKeyRing(secrets.tokenEncryptionKeys, 'TOKEN_ENCRYPTION_KEYS'),
      accessTokenTtlSeconds: 3600,
    });
    return new TokenFactory(
      cognito.base,
      `${cognito.base}/${LOCAL_USER_POOL_ID}`,
      gateway.base,
      { kid, privateKey },
      signer,
      [cognito, gateway],
      () => cognito.hits() + gateway.hits(),
    );
  }

  async user(index: number, audience: string): Promise<BenchUser> {
    const now = Math.floor(Date.now() / 1000);
    const sub = randomUUID();
    const username = `bench-user-${String(index).padStart(5, '0')}`;
    const cognitoToken = await new SignJWT({
      sub,
      iss: this.cognitoIssuer,
      version: 2,
      client_id: LOCAL_COGNITO_CLIENT_ID,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'openid email profile mcp-server/read mcp-server/write',
      auth_time: now,
      exp: now + 7200,
      iat: now,
      jti: randomUUID(),
      username,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.cognitoKey.kid })
      .sign(this.cognitoKey.privateKey);
    const minted = await mintAccessToken(
      // grant_ref as the gateway mints it: the request gate checks it against the revocation set on every call.
      { subject: sub, audience, clientId: 'bench-mcp-client', scope: 'mcp-server/read mcp-server/write', cognitoAccessToken: cognitoToken, grantRef: randomUUID().replace(/-/g, '').slice(0, 16) },
      this.signer,
    );
    return { sub, username, token: minted.token };
  }

  async users(count: number, audience: string): Promise<BenchUser[]> {
    const out: BenchUser[] = [];
    for (let i = 0; i < count; i++) out.push(await this.user(i, audience));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}
