import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadMcpServerConfig } from '@mcp-cognito/config';
import type { McpServerManifest } from '@mcp-cognito/contracts';
import {
  authorizeInBrowser,
  buildServiceEnvironments,
  freePort,
  generateDevSecrets,
  HttpBrowser,
  LOCAL_COGNITO_CLIENT_ID,
  pkce,
  startDynalite,
  startLocalIdpProcess,
  type DevSecrets,
  type EmbeddedDynamoDb,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import { createAccessTokenSigner, mintAccessToken, parseEncryptionKeyRing, parseSigningKeySet, type AccessTokenSigner } from '@mcp-cognito/tokens';
import { createMcpServerApp } from '../lib/app/create-mcp-server-app';
import type { McpServerDefinition } from '../lib/app/server-definition';

/** local-idp's dev users (apps/local-idp): a real sign-in, a real Cognito-shaped access token. */
export const TEST_USERS = {
  alice: { username: 'alice', password: 'alice-dev-password', sub: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f' },
  bob: { username: 'bob', password: 'bob-dev-password', sub: '7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d' },
} as const;
export type TestUser = (typeof TEST_USERS)[keyof typeof TEST_USERS];

/**
 * One MCP server on the kit as its HTTP-level tests see it: real HTTP on loopback, a real Cognito-shaped token from
 * local-idp (a child process, signed in through its login page; needs `nx build local-idp`), gateway tokens minted
 * with the shared token lib for exactly this server's resource (`<origin><manifest.path>`), a gateway JWKS on a tiny
 * HTTP server, and the real DynamoDB API (dynalite: the revocation feed, and the tools' items when it declares `dependencies`).
 */
export class McpServerTestHarness {
  private readonly cognitoTokens = new Map<string, string>();

  private constructor(
    readonly app: NestFastifyApplication,
    /** The server's own origin, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    /** Its canonical resource URL: the MCP endpoint, `aud` of its tokens. */
    readonly resource: string,
    readonly manifest: McpServerManifest,
    private readonly secrets: DevSecrets,
    private readonly signer: AccessTokenSigner,
    private readonly idp: LocalIdpProcess,
    private readonly jwksServer: Server,
    private readonly redirectUri: string,
    private readonly dynamo?: EmbeddedDynamoDb,
  ) {}

  /** Starts `definition` as the server `manifest` describes (its path and scopes), with `env` on top. */
  static async start<Deps>(manifest: McpServerManifest, definition: McpServerDefinition<Deps>, env: Record<string, string> = {}): Promise<McpServerTestHarness> {
    const secrets = await generateDevSecrets();
    const signingKeys = await parseSigningKeySet(secrets.gatewaySigningKeys);
    // Every server reads the revocation feed from the table, whether or not its tools store anything.
    const dynamo = await startDynalite();
    const jwksServer = await serveJwks(JSON.stringify(signingKeys.publicJwks));
    const issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    const [port, idpPort, redirectPort] = [await freePort(), await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${port}`;
    const environments = buildServiceEnvironments({
      secrets,
      dynamoEndpoint: dynamo.endpoint,
      idpUrl: `http://127.0.0.1:${idpPort}`,
      gatewayUrl: issuer,
      toolsUrl: origin,
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    });
    // Nothing listens there: the browser stops at this redirect and the harness exchanges the code itself.
    const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
    const idp = await startLocalIdpProcess({ port: idpPort, env: { ...environments.idp, LOCAL_IDP_REDIRECT_URIS: redirectUri } });
    const resource = `${origin}${manifest.path}`;
    const serverEnv = {
      ...environments.tools,
      MCP_RESOURCE: resource,
      MCP_SCOPES: Object.keys(manifest.scopes).join(','),
      GATEWAY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      ...env,
    };
    const app = await createMcpServerApp(loadMcpServerConfig(manifest.name, serverEnv), definition);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await app.listen(port, '127.0.0.1');
    const signer = createAccessTokenSigner({ issuer, signingKeys, tokenEncryptionKeys: await parseEncryptionKeyRing(secrets.tokenEncryptionKeys) });
    return new McpServerTestHarness(app, origin, resource, manifest, secrets, signer, idp, jwksServer, redirectUri, dynamo);
  }

  /** Where the server's RFC 9728 Protected Resource Metadata is (path-suffixed, RFC 9728 §3.1). */
  get resourceMetadataUrl(): string {
    return `${this.url}/.well-known/oauth-protected-resource${this.manifest.path}`;
  }

  /** A real Cognito (local-idp) access token: authorization code + PKCE through the login page. */
  async cognitoAccessToken(user: TestUser): Promise<string> {
    const cached = this.cognitoTokens.get(user.username);
    if (cached) return cached;
    const { verifier, challenge } = pkce();
    const authorize = new URL(`${this.idp.baseUrl}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      client_id: LOCAL_COGNITO_CLIENT_ID,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      state: 'test-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const { redirect } = await authorizeInBrowser(new HttpBrowser(), authorize.toString(), this.redirectUri, user);
    const code = redirect.searchParams.get('code');
    if (!code) throw new Error(`no code in ${redirect.toString()}`);
    const basic = Buffer.from(`${LOCAL_COGNITO_CLIENT_ID}:${this.secrets.cognitoClientSecret}`).toString('base64');
    const res = await fetch(`${this.idp.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.redirectUri, code_verifier: verifier }),
    });
    if (!res.ok) throw new Error(`token exchange failed: ${res.status}`);
    const token = ((await res.json()) as { access_token: string }).access_token;
    this.cognitoTokens.set(user.username, token);
    return token;
  }

  /** A gateway access token for `user` (default: every scope of the manifest, audience = this server). */
  async mint(user: TestUser, options: { scope?: string; audience?: string } = {}): Promise<string> {
    const minted = await mintAccessToken(
      {
        subject: user.sub,
        audience: options.audience ?? this.resource,
        clientId: 'test-mcp-client',
        scope: options.scope ?? Object.keys(this.manifest.scopes).join(' '),
        cognitoAccessToken: await this.cognitoAccessToken(user),
      },
      this.signer,
    );
    return minted.token;
  }

  /** The real MCP SDK client over Streamable HTTP, with the token in the Authorization header. */
  async client(token: string): Promise<Client> {
    const client = new Client({ name: `${this.manifest.name}-test`, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(this.resource), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    return client;
  }

  /** A raw JSON-RPC POST to the endpoint (exact status codes and headers). */
  post(body: unknown, token?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    return fetch(this.resource, { method: 'POST', headers, body: JSON.stringify(body) });
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await this.idp.stop().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.jwksServer.closeAllConnections();
      this.jwksServer.close(() => resolve());
    });
    await this.dynamo?.stop();
  }
}

/** The gateway's JWKS endpoint, as the server fetches it. */
async function serveJwks(body: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The text of a tool result's first content block. */
export function resultText(result: unknown): string {
  const content = (result as CallToolResult).content[0];
  if (content?.type !== 'text') throw new Error('expected a text result');
  return content.text;
}

/** The JSON of a successful tool result. */
export function resultJson<T = Record<string, unknown>>(result: unknown): T {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`tool error: ${resultText(r)}`);
  return JSON.parse(resultText(r)) as T;
}
