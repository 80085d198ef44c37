import { z } from 'zod';
import { jsonResult } from '@mcp-cognito/mcp-server-kit';
import { tool } from '../deps';

/**
 * Who the server thinks the caller is, straight from the validated token (no storage access).
 * Needs no scope beyond a valid token: it returns only what the token itself asserts, and it is how
 * a client diagnoses a refused call (it shows the scopes it actually holds).
 */
export const whoamiTool = tool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Returns the authenticated caller: user sub, username, groups, MCP client id, granted scopes and token expiry.',
  requiredScopes: [],
  inputSchema: z.strictObject({}),
  annotations: { readOnlyHint: true, openWorldHint: false },
  handler: async (_input, { principal }) =>
    jsonResult({
      sub: principal.sub,
      username: principal.username,
      groups: [...principal.groups],
      client_id: principal.clientId,
      scopes: [...principal.scopes],
      expires_at: principal.expiresAt,
      expires_at_iso: new Date(principal.expiresAt * 1000).toISOString(),
    }),
});
