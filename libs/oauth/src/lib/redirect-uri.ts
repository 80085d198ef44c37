/**
 * Redirect URI rules (OAuth 2.1 §2.3.1 and §7.5, RFC 8252 §7, MCP authorization "Communication
 * Security"): https anywhere; plain http only on loopback IP literals or `localhost`; private-use
 * schemes for native apps; never a fragment or userinfo.
 */
import { isLoopbackHost } from '@mcp-cognito/config';
import { isAsciiUri } from './text-hygiene';

export type RedirectUriKind = 'https' | 'loopback' | 'private-use';

export type RedirectUriCheck = { ok: true; kind: RedirectUriKind; url: URL } | { ok: false; reason: string };

/**
 * RFC 8252 §7.3: a loopback redirect is plain http to a loopback host (libs/config `isLoopbackHost`, the one
 * loopback rule of the workspace); its port may differ at authorization time.
 */
export function isLoopbackRedirectUri(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** Classifies a redirect URI offered at registration (or in a Client ID Metadata Document). */
export function checkRedirectUri(raw: string): RedirectUriCheck {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000) return { ok: false, reason: 'must be a URI of at most 2000 characters' };
  // The URL parser would silently drop tabs and newlines and encode the rest, so the stored string (compared exactly
  // later) would not be the URI that is used: only printable ASCII, as RFC 3986 §2 spells a URI.
  if (!isAsciiUri(raw)) return { ok: false, reason: 'must contain only printable ASCII characters (RFC 3986 section 2: percent-encode the rest)' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not an absolute URI' };
  }
  if (raw.includes('#')) return { ok: false, reason: 'must not contain a fragment (RFC 6749 section 3.1.2)' };
  if (url.username || url.password) return { ok: false, reason: 'must not contain userinfo' };
  if (url.protocol === 'https:') {
    if (!url.hostname) return { ok: false, reason: 'must name a host' };
    return { ok: true, kind: 'https', url };
  }
  if (url.protocol === 'http:') {
    if (isLoopbackRedirectUri(url)) return { ok: true, kind: 'loopback', url };
    return { ok: false, reason: 'http is allowed only for loopback redirect URIs (127.0.0.1, [::1], localhost)' };
  }
  // RFC 8252 §7.1: private-use URI schemes use reverse-DNS names, e.g. com.example.app:/callback.
  // Schemes that browsers or the OS treat specially are refused outright.
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (['javascript', 'data', 'file', 'blob', 'about', 'vbscript', 'ftp', 'ws', 'wss', 'mailto'].includes(scheme)) {
    return { ok: false, reason: `the ${scheme}: scheme is not allowed` };
  }
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return { ok: false, reason: 'has an invalid scheme' };
  return { ok: true, kind: 'private-use', url };
}

/**
 * Exact string match against the registered URIs, except that a loopback redirect URI may use any
 * port at authorization time (RFC 8252 §7.3; OAuth 2.1 §8.4.2).
 */
export function isRegisteredRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  let req: URL;
  try {
    req = new URL(requested);
  } catch {
    return false;
  }
  if (!isLoopbackRedirectUri(req) || requested.includes('#')) return false;
  return registered.some((r) => {
    let reg: URL;
    try {
      reg = new URL(r);
    } catch {
      return false;
    }
    return (
      reg.protocol === 'http:' &&
      reg.hostname === req.hostname &&
      reg.pathname === req.pathname &&
      reg.search === req.search &&
      !req.username &&
      !req.password
    );
  });
}
