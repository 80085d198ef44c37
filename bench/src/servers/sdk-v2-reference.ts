/**
 * Scenario 4m: what a user would write on the v2 MCP SDK without this project - its documented serving pattern:
 * `createMcpHandler(factory)` (a fresh McpServer per request; both protocol eras), behind the SDK's web-standard
 * `requireBearerAuth` gate, mounted on node:http with `toNodeHandler` from `@modelcontextprotocol/node`. The
 * gate's `verifyAccessToken` checks the gateway JWT with jose against the same gateway JWKS (ES256, iss, aud,
 * typ). Like the v1 reference (scenario 4) it does NOT open or verify the embedded Cognito token: it does
 * strictly less security work than mcp-tools.
 *
 * Env: PORT, GATEWAY_ISSUER, GATEWAY_JWKS_URL, MCP_RESOURCE.
 */
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { createMcpHandler, McpServer, OAuthError, OAuthErrorCode, requireBearerAuth, type AuthInfo } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const issuer = env('GATEWAY_ISSUER');
const audience = env('MCP_RESOURCE');
const jwks = createRemoteJWKSet(new URL(env('GATEWAY_JWKS_URL')));

const gate = requireBearerAuth({
  verifier: {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt', algorithms: ['ES256'] });
        return {
          token,
          clientId: String(payload['client_id']),
          scopes: typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [],
          expiresAt: payload.exp,
          extra: { sub: payload.sub },
        };
      } catch (error) {
        throw new OAuthError(OAuthErrorCode.InvalidToken, `invalid token: ${(error as Error).message}`);
      }
    },
  },
});

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'sdk-v2-reference', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('whoami', { description: 'Who am I', inputSchema: z.object({}) }, async (_args, ctx) => {
    const authInfo = ctx.http?.authInfo;
    return {
      content: [
        {
          type: 'text',
          text: JSON.stringify({ sub: authInfo?.extra?.['sub'], client_id: authInfo?.clientId, scopes: authInfo?.scopes, expires_at: authInfo?.expiresAt }),
        },
      ],
    };
  });
  return server;
});

// The gate in front of the handler, as the SDK's own example composes them (a fetch-shaped handler).
const serve = toNodeHandler({
  async fetch(request, options) {
    const auth = await gate(request);
    if (auth instanceof Response) return auth;
    return handler.fetch(request, { ...options, authInfo: auth });
  },
});

createServer((req, res) => {
  if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  if (req.url === '/mcp') return void serve(req, res);
  res.writeHead(404).end();
}).listen(Number(env('PORT')), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
