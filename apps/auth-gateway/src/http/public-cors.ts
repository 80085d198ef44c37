import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for the endpoints a browser-based MCP client (e.g. the MCP Inspector) calls directly with
 * fetch: metadata, JWKS, registration, token and revocation. They use no cookies (ambient
 * authority), so any origin may call them without credentials. The browser-navigated endpoints
 * (`/authorize`, `/consent`, `/callback`) get no CORS: they are pages, not APIs.
 */
const API_PATHS = new Set(['/register', '/token', '/revoke']);

export function publicEndpointCors(req: Request, res: Response, next: NextFunction): void {
  if (!API_PATHS.has(req.path) && !req.path.startsWith('/.well-known/')) return next();
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Mcp-Protocol-Version');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
}
