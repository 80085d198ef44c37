/**
 * Redirect URI rules (OAuth 2.1 §2.3.1 and §7.5, RFC 8252 §7, MCP authorization "Communication
 * Security"): https anywhere; plain http only on loopback IP literals or `localhost`; private-use
 * schemes for native apps, in reverse-domain form (RFC 8252 §7.1) or of a known MCP client, never one an OS treats
 * specially; never a fragment or userinfo.
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
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return { ok: false, reason: 'has an invalid scheme' };
  if (isDangerousScheme(scheme)) return { ok: false, reason: `the ${scheme}: scheme is not allowed` };
  if (!isReverseDomainScheme(scheme) && !KNOWN_CLIENT_SCHEMES.has(scheme)) {
    return { ok: false, reason: `private-use schemes must be reverse domain names, such as com.example.app: (RFC 8252 §7.1); ${scheme}: is not` };
  }
  return { ok: true, kind: 'private-use', url };
}

/**
 * Schemes that browsers or operating systems treat specially (script, local files, OS handlers that have been used to
 * run code, such as Windows' ms-msdt: and search-ms:): never a redirect target, whatever a client registers.
 */
const DANGEROUS_SCHEMES = new Set([
  'javascript', 'data', 'file', 'blob', 'about', 'vbscript', 'ftp', 'ws', 'wss', 'mailto', 'tel', 'sms',
  'search', 'search-ms', 'shell', 'hcp', 'its', 'mk', 'jar', 'view-source', 'intent', 'res', 'filesystem',
]);

function isDangerousScheme(scheme: string): boolean {
  return DANGEROUS_SCHEMES.has(scheme) || scheme.startsWith('ms-') || scheme.startsWith('microsoft-') || scheme.startsWith('x-');
}

/** RFC 8252 §7.1: a scheme based on a domain name the app controls, in reverse order - at least two labels. */
function isReverseDomainScheme(scheme: string): boolean {
  const labels = scheme.split('.');
  return labels.length >= 2 && labels.every((l) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(l));
}

/**
 * MCP clients whose private-use schemes predate RFC 8252 §7.1's naming rule and that users run today (Cursor's
 * `cursor://anysphere.cursor-retrieval/...`, VS Code's and Windsurf's). A client with another such scheme is
 * registered by operators as a static client.
 */
export const KNOWN_CLIENT_SCHEMES: ReadonlySet<string> = new Set(['cursor', 'vscode', 'vscode-insiders', 'windsurf']);

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
