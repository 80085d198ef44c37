import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadMcpServerConfig } from '@mcp-cognito/config';
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
  TcpFaultRelay,
  type DevSecrets,
  type EmbeddedDynamoDb,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import { DYNAMO_CLIENTS } from '@mcp-cognito/nest-platform';
import { createDynamoClients, createRepositories, type DynamoClients, type Repositories } from '@mcp-cognito/storage';
import { KEY_PREFIXES } from '@mcp-cognito/contracts';
import {
  createAccessTokenSigner,
  mintAccessToken,
  parseEncryptionKeyRing,
  parseSigningKeySet,
  type AccessTokenSigner,
  type SigningKeySet,
} from '@mcp-cognito/tokens';
import { createMcpServerApp } from '@mcp-cognito/mcp-server-kit';
import { TOOLS_SERVER } from '../../src/server';

export const ALICE = { username: 'alice', password: 'alice-dev-password', sub: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f' };
export const BOB = { username: 'bob', password: 'bob-dev-password', sub: '7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d' };
export type DevUser = typeof ALICE;

export const READ = 'mcp-server/read';
export const WRITE = 'mcp-server/write';
export const ALLOWED_ORIGIN = 'http://localhost:6274';
const COGNITO_SCOPE = `openid email profile ${READ} ${WRITE}`;

/**
 * The tools service as the tests see it: real HTTP on loopback, the real DynamoDB API (dynalite),
 * real Cognito-shaped tokens from local-idp (a child process, signed in through its login page), and
 * gateway tokens minted with the shared token lib; the gateway JWKS comes from a tiny HTTP server.
 */
export class ToolsHarness {
  private readonly cognitoTokens = new Map<string, string>();
  private readonly extraClients: DynamoClients[] = [];
  /** DynamoDB requests of the app since {@link resetStorageRequests}, except the revocation feed's timer reads. */
  storageRequests: string[] = [];
  /** The revocation feed's reads (one Query per poll, never per call) since {@link resetStorageRequests}. */
  feedReads = 0;

  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly resource: string,
    readonly issuer: string,
    readonly env: Record<string, string>,
    readonly secrets: DevSecrets,
    readonly signingKeys: SigningKeySet,
    readonly signer: AccessTokenSigner,
    private readonly dynamo: EmbeddedDynamoDb,
    private readonly idp: LocalIdpProcess,
    private readonly jwksServer: Server,
    private readonly redirectUri: string,
    /** Between the service and its table when started with `faultyStorage`: stall or cut the table on demand. */
    readonly storage?: TcpFaultRelay,
  ) {}

  static async start(options: { faultyStorage?: boolean } = {}): Promise<ToolsHarness> {
    const secrets = await generateDevSecrets();
    const signingKeys = await parseSigningKeySet(secrets.gatewaySigningKeys);
    const dynamo = await startDynalite();
    const relay = options.faultyStorage ? await TcpFaultRelay.start(dynamo.endpoint) : undefined;
    const jwksServer = await serveJwks(signingKeys);
    const issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    const [toolsPort, idpPort, redirectPort] = [await freePort(), await freePort(), await freePort()];
    const env = buildServiceEnvironments({
      secrets,
      dynamoEndpoint: relay?.endpoint ?? dynamo.endpoint,
      idpUrl: `http://127.0.0.1:${idpPort}`,
      gatewayUrl: issuer,
      toolsUrl: `http://127.0.0.1:${toolsPort}`,
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    });
    // Nothing listens there: the browser stops at this redirect and the test exchanges the code itself.
    const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
    const idp = await startLocalIdpProcess({ port: idpPort, env: { ...env.idp, LOCAL_IDP_REDIRECT_URIS: redirectUri } });
    const toolsEnv: Record<string, string> = {
      ...env.tools,
      GATEWAY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    };
    const signer = createAccessTokenSigner({
      issuer,
      signingKeys,
      tokenEncryptionKeys: await parseEncryptionKeyRing(secrets.tokenEncryptionKeys),
    });
    const app = await startApp(toolsEnv, toolsPort);
    const harness = new ToolsHarness(
      app,
      `http://127.0.0.1:${toolsPort}`,
      toolsEnv['MCP_RESOURCE'] as string,
      issuer,
      toolsEnv,
      secrets,
      signingKeys,
      signer,
      dynamo,
      idp,
      jwksServer,
      redirectUri,
      relay,
    );
    harness.countStorageRequests();
    return harness;
  }

  /** Another instance of the service with changed settings (same table, same keys), on a free port. */
  async startAnotherApp(overrides: Record<string, string>): Promise<{ app: NestFastifyApplication; url: string }> {
    const port = await freePort();
    const app = await startApp({ ...this.env, ...overrides }, port);
    return { app, url: `http://127.0.0.1:${port}` };
  }

  /**
   * Counts every command the app sends to DynamoDB. `DynamoDBDocumentClient.from(client)` shares the
   * client's middleware stack, so one middleware on `doc` sees document and raw commands alike.
   */
  private countStorageRequests(): void {
    const clients = this.app.get<DynamoClients>(DYNAMO_CLIENTS);
    clients.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const pk = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues?.[':pk'];
        if (typeof pk === 'string' && pk.startsWith(KEY_PREFIXES.revocationFeed)) this.feedReads++;
        else this.storageRequests.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countStorageRequests' },
    );
  }

  resetStorageRequests(): void {
    this.storageRequests = [];
    this.feedReads = 0;
  }

  /** The gateway's side of the table (what it writes to the revocation feed), on its own client. */
  gatewayRepositories(): Repositories {
    const clients = createDynamoClients({ region: 'eu-west-1', endpoint: this.dynamo.endpoint, tableName: this.env['DYNAMODB_TABLE'] as string });
    this.extraClients.push(clients);
    return createRepositories(clients);
  }

  /** A real Cognito (local-idp) access token: authorization code + PKCE through the login page. */
  async cognitoAccessToken(user: DevUser): Promise<string> {
    const cached = this.cognitoTokens.get(user.username);
    if (cached) return cached;
    const { verifier, challenge } = pkce();
    const authorize = new URL(`${this.idp.baseUrl}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      client_id: LOCAL_COGNITO_CLIENT_ID,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: COGNITO_SCOPE,
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
    if (!res.ok) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { access_token: string }).access_token;
    this.cognitoTokens.set(user.username, token);
    return token;
  }

  /** A gateway access token for `user`, embedding the user's real Cognito token. */
  async mint(user: DevUser, options: { scope?: string; audience?: string; signer?: AccessTokenSigner; grantRef?: string } = {}): Promise<string> {
    const minted = await mintAccessToken(
      {
        subject: user.sub,
        audience: options.audience ?? this.resource,
        clientId: 'test-mcp-client',
        scope: options.scope ?? `${READ} ${WRITE}`,
        cognitoAccessToken: await this.cognitoAccessToken(user),
        grantRef: options.grantRef,
      },
      options.signer ?? this.signer,
    );
    return minted.token;
  }

  /** The real MCP SDK client over Streamable HTTP, with the token in the Authorization header. */
  async client(token: string): Promise<Client> {
    const client = new Client({ name: 'mcp-tools-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(this.resource), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    return client;
  }

  /** A raw JSON-RPC POST to /mcp (for exact status codes and headers). */
  post(body: unknown, options: { token?: string; headers?: Record<string, string>; url?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      ...options.headers,
    };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    return fetch(options.url ?? this.resource, { method: 'POST', headers, body: JSON.stringify(body) });
  }

  get resourceMetadataUrl(): string {
    return `${this.url}/.well-known/oauth-protected-resource/mcp`;
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await this.idp.stop().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.jwksServer.closeAllConnections();
      this.jwksServer.close(() => resolve());
    });
    this.extraClients.forEach((c) => c.destroy());
    await this.storage?.stop();
    await this.dynamo.stop();
  }
}

async function startApp(env: Record<string, string>, port: number): Promise<NestFastifyApplication> {
  const app = await createMcpServerApp(loadMcpServerConfig('mcp-tools', env), TOOLS_SERVER);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.listen(port, '127.0.0.1');
  return app;
}

/** The gateway's JWKS endpoint, as the tools service fetches it. */
async function serveJwks(keys: SigningKeySet): Promise<Server> {
  const body = JSON.stringify(keys.publicJwks);
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
