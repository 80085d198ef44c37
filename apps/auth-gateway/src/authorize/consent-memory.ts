import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { isLoopbackRedirectUri } from '@mcp-cognito/oauth';
import type { SignedCookies } from '../http/signed-cookies';

const COOKIE = 'mcp-consent';
/** Bounded so that the signed cookie stays well under the 4 KB browsers keep (about 100 bytes per entry). */
const MAX_ENTRIES = 20;
const TTL_SECONDS = 30 * 86_400;

interface Entry {
  /** the client and its redirect target */
  c: string;
  /** the MCP server (resource) */
  r: string;
  /** the user who approved: a one-way reference to the IdP `sub` */
  u: string;
  /** approved scopes */
  s: string[];
  /** expiry, epoch seconds */
  e: number;
}

/** What one approval is about: which client, sending its answers where, for which MCP server. */
export interface ConsentSubject {
  clientId: string;
  redirectUri: string;
  resource: string;
}

const digest = (label: string, value: string, length: number) =>
  createHash('sha256').update(`${label}\n${value}`).digest('base64url').slice(0, length);

/**
 * Remembered approvals (MCP security best practices: consent per client before forwarding to the upstream IdP), kept
 * in a signed cookie of this browser and keyed by **client + redirect target + MCP server + user**: the user is the
 * IdP `sub` learned at the callback, so an approval given by one person never covers another who signs in later in
 * the same browser. At `/authorize` the user is not known yet (the IdP has not been asked), so there the memory only
 * says whether *someone* approved this request here; the callback then requires that it was the person who signed
 * in, or asks again. A loopback redirect's port is ignored: native clients pick a new port every time (RFC 8252 §7.3).
 * The cookie holds references, never a client id, URI or `sub` in the clear.
 */
export class ConsentMemory {
  constructor(private readonly cookies: SignedCookies) {}

  private clientKey(clientId: string, redirectUri: string): string {
    const url = new URL(redirectUri);
    const target = isLoopbackRedirectUri(url) ? `${url.protocol}//${url.hostname}${url.pathname}` : redirectUri;
    return digest('client', `${clientId}\n${target}`, 16);
  }

  private read(req: Request, now: number): Entry[] {
    const raw = this.cookies.get(req, COOKIE);
    if (!raw) return [];
    try {
      const entries = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Entry[];
      return Array.isArray(entries)
        ? entries.filter((e) => typeof e?.c === 'string' && typeof e.r === 'string' && typeof e.u === 'string' && Array.isArray(e.s) && e.e > now)
        : [];
    } catch {
      return [];
    }
  }

  private matching(req: Request, subject: ConsentSubject, scopes: readonly string[], now: number): Entry[] {
    const c = this.clientKey(subject.clientId, subject.redirectUri);
    const r = digest('resource', subject.resource, 8);
    return this.read(req, now).filter((e) => e.c === c && e.r === r && scopes.every((s) => e.s.includes(s)));
  }

  /** Someone approved this client (and redirect target) in this browser, for any server and scopes. */
  knowsClient(req: Request, clientId: string, redirectUri: string, now: number): boolean {
    const c = this.clientKey(clientId, redirectUri);
    return this.read(req, now).some((e) => e.c === c);
  }

  /** Someone approved exactly this request (or a wider one) in this browser: the page may be skipped, for now. */
  coversSomeone(req: Request, subject: ConsentSubject, scopes: readonly string[], now: number): boolean {
    return this.matching(req, subject, scopes, now).length > 0;
  }

  /** `sub` approved this request (or a wider one) in this browser. */
  coversUser(req: Request, subject: ConsentSubject, sub: string, scopes: readonly string[], now: number): boolean {
    const u = digest('user', sub, 12);
    return this.matching(req, subject, scopes, now).some((e) => e.u === u);
  }

  /** Remembers that `sub` approved `scopes` for this request (newest first; the oldest entries fall out). */
  remember(req: Request, res: Response, subject: ConsentSubject, sub: string, scopes: readonly string[], now: number): void {
    const entry: Entry = {
      c: this.clientKey(subject.clientId, subject.redirectUri),
      r: digest('resource', subject.resource, 8),
      u: digest('user', sub, 12),
      s: [...scopes],
      e: now + TTL_SECONDS,
    };
    const others = this.read(req, now).filter((e) => !(e.c === entry.c && e.r === entry.r && e.u === entry.u));
    const value = Buffer.from(JSON.stringify([entry, ...others].slice(0, MAX_ENTRIES))).toString('base64url');
    this.cookies.set(res, COOKIE, value, { maxAgeSeconds: TTL_SECONDS, sameSite: 'lax' });
  }
}
