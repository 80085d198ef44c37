import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadMcpServerConfig } from '@mcp-cognito/config';
import { KEY_PREFIXES, type McpServerManifest } from '@mcp-cognito/contracts';
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
import {
  createAccessTokenSigner,
  mintAccessToken,
  parseEncryptionKeyRing,
  parseSigningKeySet,
  type AccessTokenSigner,
  type SigningKeySet,
} from '@mcp-cognito/tokens';
import { createMcpServerApp } from '../lib/app/create-mcp-server-app';
import type { McpServerDefinition } from '../lib/app/server-definition';

/** local-idp's dev users (apps/local-idp): a real sign-in, a real Cognito-shaped access token. */
export const TEST_USERS = {
  alice: { username: 'alice', password: 'alice-dev-password', sub: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f' },
  bob: { username: 'bob', password: 'bob-dev-password', sub: '7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d' },
} as const;
export type TestUser = (typeof TEST_USERS)[keyof typeof TEST_USERS];

/** How {@link McpServerTestHarness.start} sets the server up beyond its manifest. */
export interface McpServerTestOptions {
  /** Variables on top of the generated environment (e.g. `ALLOWED_ORIGINS`). */
  env?: Record<string, string>;
  /** Puts a {@link TcpFaultRelay} between the server and its table (`storage`): stall or cut the table on demand. */
  faultyStorage?: boolean;
}

/** What {@link McpServerTestHarness.post} sends besides the body. */
export interface RawPostOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Another URL than the resource (e.g. a path below it). */
  url?: string;
}

/**
 * One MCP server on the kit as its HTTP-level tests see it: real HTTP on loopback, a real Cognito-shaped token from
 * local-idp (a child process, signed in through its login page; needs `nx build local-idp`), gateway tokens minted
 * with the shared token lib for exactly this server's resource (`<origin><manifest.path>`), a gateway JWKS on a tiny
 * HTTP server, and the real DynamoDB API (dynalite: the revocation feed, and the tools' items when it declares `dependencies`).
 */
export class McpServerTestHarness {
  private readonly cognitoTokens = new Map<string, string>();
  private readonly extraClients: DynamoClients[] = [];
  /** DynamoDB requests of the server since {@link resetStorageRequests}, except the revocation feed's timer reads. */
  storageRequests: string[] = [];
  /** The revocation feed's reads (one Query per poll, never per call) since {@link resetStorageRequests}. */
  feedReads = 0;

  private constructor(
    readonly app: NestFastifyApplication,
    /** The server's own origin, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    /** Its canonical resource URL: the MCP endpoint, `aud` of its tokens. */
    readonly resource: string,
    readonly manifest: McpServerManifest,
    private readonly definition: McpServerDefinition<unknown>,
    /** The gateway's issuer (the tiny JWKS server's origin). */
    readonly issuer: string,
    /** The server's whole environment. */
    readonly env: Record<string, string>,
    readonly secrets: DevSecrets,
    readonly signingKeys: SigningKeySet,
    readonly signer: AccessTokenSigner,
    private readonly idp: LocalIdpProcess,
    private readonly jwksServer: Server,
    private readonly redirectUri: string,
    private readonly dynamo: EmbeddedDynamoDb,
    /** Between the server and its table when started with `faultyStorage`. */
    readonly storage?: TcpFaultRelay,
  ) {}

  /** Starts `definition` as the server `manifest` describes (its path and scopes). */
  static async start<Deps>(manifest: McpServerManifest, definition: McpServerDefinition<Deps>, options: McpServerTestOptions = {}): Promise<McpServerTestHarness> {
    const secrets = await generateDevSecrets();
    const signingKeys = await parseSigningKeySet(secrets.gatewaySigningKeys);
    // Every server reads the revocation feed from the table, whether or not its tools store anything.
    const dynamo = await startDynalite();
    // A suite whose set-up failed has no harness to stop in its afterAll: whatever fails from here on stops what was
    // started, or the table, the JWKS server or the IdP process would keep the test runner alive forever.
    const started: Array<() => Promise<unknown>> = [() => dynamo.stop()];
    try {
      const relay = options.faultyStorage ? await TcpFaultRelay.start(dynamo.endpoint) : undefined;
      if (relay) started.push(() => relay.stop());
      const jwksServer = await serveJwks(JSON.stringify(signingKeys.publicJwks));
      started.push(
        () =>
          new Promise<void>((resolve) => {
            jwksServer.closeAllConnections();
            jwksServer.close(() => resolve());
          }),
      );
      const issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
      const [port, idpPort, redirectPort] = [await freePort(), await freePort(), await freePort()];
      const origin = `http://127.0.0.1:${port}`;
      const environments = buildServiceEnvironments({
        secrets,
        dynamoEndpoint: relay?.endpoint ?? dynamo.endpoint,
        idpUrl: `http://127.0.0.1:${idpPort}`,
        gatewayUrl: issuer,
        toolsUrl: origin,
        logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      });
      // Nothing listens there: the browser stops at this redirect and the harness exchanges the code itself.
      const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
      const idp = await startLocalIdpProcess({ port: idpPort, env: { ...environments.idp, LOCAL_IDP_REDIRECT_URIS: redirectUri } });
      started.push(() => idp.stop());
      const resource = `${origin}${manifest.path}`;
      const serverEnv = {
        ...environments.tools,
        MCP_RESOURCE: resource,
        MCP_SCOPES: Object.keys(manifest.scopes).join(','),
        GATEWAY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        ...options.env,
      };
      const generic = definition as McpServerDefinition<unknown>;
      const app = await startApp(manifest, generic, serverEnv, port);
      const signer = createAccessTokenSigner({ issuer, signingKeys, tokenEncryptionKeys: await parseEncryptionKeyRing(secrets.tokenEncryptionKeys) });
      const harness = new McpServerTestHarness(app, origin, resource, manifest, generic, issuer, serverEnv, secrets, signingKeys, signer, idp, jwksServer, redirectUri, dynamo, relay);
      harness.countStorageRequests();
      return harness;
    } catch (error) {
      for (const stop of started.reverse()) await stop().catch(() => undefined);
      throw error;
    }
  }

  /** Another instance of the same server with changed settings (same table, same keys), on a free port. */
  async startAnotherApp(overrides: Record<string, string>): Promise<{ app: NestFastifyApplication; url: string }> {
    const port = await freePort();
    const app = await startApp(this.manifest, this.definition, { ...this.env, ...overrides }, port);
    return { app, url: `http://127.0.0.1:${port}` };
  }

  /**
   * Counts every command the server sends to DynamoDB. `DynamoDBDocumentClient.from(client)` shares the client's
   * middleware stack, so one middleware on `doc` sees document and raw commands alike.
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
      // What the gateway asks Cognito for: the server's scopes too when Cognito is their source (its resource server).
      scope: ['openid email profile', ...(this.manifest.scopeSource === 'cognito' ? Object.keys(this.manifest.scopes) : [])].join(' '),
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

  /** A gateway access token for `user` (default: every scope of the manifest, audience = this server, the gateway's key). */
  async mint(user: TestUser, options: { scope?: string; audience?: string; signer?: AccessTokenSigner; grantRef?: string } = {}): Promise<string> {
    const minted = await mintAccessToken(
      {
        subject: user.sub,
        audience: options.audience ?? this.resource,
        clientId: 'test-mcp-client',
        scope: options.scope ?? Object.keys(this.manifest.scopes).join(' '),
        cognitoAccessToken: await this.cognitoAccessToken(user),
        grantRef: options.grantRef,
      },
      options.signer ?? this.signer,
    );
    return minted.token;
  }

  /** The real MCP SDK client over Streamable HTTP, with the token in the Authorization header. */
  async client(token: string): Promise<Client> {
    const client = new Client({ name: `${this.manifest.name}-test`, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(this.resource), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    return client;
  }

  /** A raw JSON-RPC POST to the endpoint (exact status codes and headers); a string is the bearer token. */
  post(body: unknown, options: string | RawPostOptions = {}): Promise<Response> {
    const { token, headers: extra, url } = typeof options === 'string' ? { token: options } : options;
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...extra };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    return fetch(url ?? this.resource, { method: 'POST', headers, body: JSON.stringify(body) });
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await this.idp.stop().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.jwksServer.closeAllConnections();
      this.jwksServer.close(() => resolve());
    });
    this.extraClients.forEach((c) => c.destroy());
    await this.storage?.stop().catch(() => undefined);
    await this.dynamo.stop().catch(() => undefined);
  }
}

async function startApp(manifest: McpServerManifest, definition: McpServerDefinition<unknown>, env: Record<string, string>, port: number): Promise<NestFastifyApplication> {
  const app = await createMcpServerApp(loadMcpServerConfig(manifest.name, env), definition);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.listen(port, '127.0.0.1');
  return app;
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
