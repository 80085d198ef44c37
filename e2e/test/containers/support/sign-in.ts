import { McpSession } from '../../support/mcp-session';
import { headlessClient, type HeadlessClient } from '../../support/e2e-stack';

export interface StackUrls {
  /** The gateway's issuer, e.g. `http://127.0.0.1:3000`. */
  issuer: string;
  /** The MCP endpoint, e.g. `http://127.0.0.1:3001/mcp`. */
  mcp: string;
}

/**
 * A real MCP client (the SDK's `Client` with its own OAuth: 401 -> PRM -> AS metadata -> /register ->
 * consent + local-idp login in the headless browser -> /token) that ends up connected to `urls.mcp`.
 */
export async function signIn(urls: StackUrls, clientName: string): Promise<{ session: McpSession; client: HeadlessClient }> {
  const client = await headlessClient({ urls }, clientName);
  const session = await McpSession.connect(urls.mcp, client.provider);
  return { session, client };
}
