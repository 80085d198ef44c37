/**
 * Scenario 4: what a user would write without this project - the MCP SDK's stateless Streamable HTTP
 * pattern (`createMcpExpressApp`, a new McpServer + StreamableHTTPServerTransport per request, as in
 * the SDK's simpleStatelessStreamableHttp / jsonResponseStreamableHttp examples) behind the SDK's own
 * `requireBearerAuth`, whose `verifyAccessToken` checks the gateway JWT with jose against the same
 * gateway JWKS (ES256, iss, aud, typ). It does NOT open or verify the embedded Cognito token: the
 * reference does strictly less security work than mcp-tools.
 *
 * Env: PORT, GATEWAY_ISSUER, GATEWAY_JWKS_URL, MCP_RESOURCE.
 */
import type { Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const issuer = env('GATEWAY_ISSUER');
const audience = env('MCP_RESOURCE');
const jwks = createRemoteJWKSet(new URL(env('GATEWAY_JWKS_URL')));

async function verifyAccessToken(token: string): Promise<AuthInfo> {
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
    throw new InvalidTokenError(`invalid token: ${(error as Error).message}`);
  }
}

function getServer(): McpServer {
  const server = new McpServer({ name: 'sdk-reference', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('whoami', { description: 'Who am I', inputSchema: z.object({}) }, async (_args, extra) => ({
    content: [
      {
        type: 'text',
        text: JSON.stringify({
          sub: extra.authInfo?.extra?.['sub'],
          client_id: extra.authInfo?.clientId,
          scopes: extra.authInfo?.scopes,
          expires_at: extra.authInfo?.expiresAt,
        }),
      },
    ],
  }));
  return server;
}

const app = createMcpExpressApp();
app.post('/mcp', requireBearerAuth({ verifier: { verifyAccessToken } }), async (req: Request, res: Response) => {
  const server = getServer();
  try {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
  } catch {
    if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
  }
});
app.get('/health', (_req: Request, res: Response) => {
  res.json({ status: 'ok' });
});

app.listen(Number(env('PORT')), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
