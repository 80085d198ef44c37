import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { isLoopbackRedirectUri } from '@mcp-cognito/oauth';
import type { SignedCookies } from '../http/signed-cookies';

const COOKIE = 'mcp-consent';
const MAX_ENTRIES = 30;
const TTL_SECONDS = 30 * 86_400;

interface Entry {
  /** hash of client id + redirect target */
  k: string;
  /** approved scopes */
  s: string[];
  /** expiry, epoch seconds */
  e: number;
}

/**
 * Remembered approvals, per browser, bound to the client id, its redirect target and the MCP resource (MCP security
 * best practices: consent per client before forwarding to the upstream IdP). A loopback redirect's
 * port is ignored: native clients pick a new port every time (RFC 8252 §7.3).
 */
export class ConsentMemory {
  constructor(private readonly cookies: SignedCookies) {}

  private key(clientId: string, redirectUri: string, resource: string): string {
    const url = new URL(redirectUri);
    const target = isLoopbackRedirectUri(url) ? `${url.protocol}//${url.hostname}${url.pathname}` : redirectUri;
    return createHash('sha256').update(`${clientId}\n${target}\n${resource}`).digest('base64url').slice(0, 22);
  }

  private read(req: Request, now: number): Entry[] {
    const raw = this.cookies.get(req, COOKIE);
    if (!raw) return [];
    try {
      const entries = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Entry[];
      return Array.isArray(entries) ? entries.filter((e) => typeof e?.k === 'string' && Array.isArray(e.s) && e.e > now) : [];
    } catch {
      return [];
    }
  }

  /** True when this browser approved this client (and redirect target) for at least these scopes. */
  covers(req: Request, clientId: string, redirectUri: string, resource: string, scopes: readonly string[], now: number): boolean {
    const k = this.key(clientId, redirectUri, resource);
    const entry = this.read(req, now).find((e) => e.k === k);
    return !!entry && scopes.every((s) => entry.s.includes(s));
  }

  remember(req: Request, res: Response, clientId: string, redirectUri: string, resource: string, scopes: readonly string[], now: number): void {
    const k = this.key(clientId, redirectUri, resource);
    const entries = this.read(req, now).filter((e) => e.k !== k);
    entries.unshift({ k, s: [...scopes], e: now + TTL_SECONDS });
    const value = Buffer.from(JSON.stringify(entries.slice(0, MAX_ENTRIES))).toString('base64url');
    this.cookies.set(res, COOKIE, value, { maxAgeSeconds: TTL_SECONDS, sameSite: 'lax' });
  }
}
