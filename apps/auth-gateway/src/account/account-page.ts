import { GATEWAY_SIGN_OUT_PATHS } from '@mcp-cognito/routing';
import { escapeHtml, renderPage } from '../http/html';
import type { ConnectedClient } from './account.service';

/** The account page's paths (all under `/account`, which libs/routing gives the gateway). */
export const ACCOUNT_PATHS = {
  page: '/account',
  revoke: '/account/revoke',
  signOutEverywhere: '/account/sign-out-everywhere',
  signedOutEverywhere: '/account/signed-out',
} as const;

/** `2026-11-30 17:51 UTC`: one unambiguous form for everyone (the page loads no script to localise it). */
function time(epochSeconds: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`)}</time>`;
}

const SOURCE_NOTE: Record<string, string> = {
  dynamic: 'registered itself; its name is not verified',
  static: 'registered by your administrators',
  'metadata-document': 'identified by its published metadata document',
  unknown: 'its registration is gone',
};

function clientCard(c: ConnectedClient, csrf: string): string {
  const name = c.clientName ?? c.clientId;
  const scopes = c.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ');
  const hosts = c.redirectHosts.length ? c.redirectHosts.map((h) => `<code>${escapeHtml(h)}</code>`).join(', ') : '<span class="muted">unknown</span>';
  const server = c.server.title ? `${escapeHtml(c.server.title)} (<code>${escapeHtml(c.server.resource)}</code>)` : `<code>${escapeHtml(c.server.resource)}</code>`;
  return `<li class="grant" data-client-id="${escapeHtml(c.clientId)}" data-grant="${escapeHtml(c.reference)}">
<h2 class="client-name">${escapeHtml(name)}</h2>
<p class="muted">${escapeHtml(SOURCE_NOTE[c.clientSource] ?? '')}</p>
<dl>
<dt>Client id</dt><dd class="client-id"><code>${escapeHtml(c.clientId)}</code></dd>
<dt>Answers go to</dt><dd class="redirect-host">${hosts}</dd>
<dt>MCP server</dt><dd class="server">${server}</dd>
<dt>Permissions</dt><dd class="scopes">${scopes}</dd>
<dt>Connected</dt><dd class="created">${time(c.createdAt)}</dd>
<dt>Last used</dt><dd class="last-used">${time(c.lastUsedAt)} <span class="muted">(its last token refresh, or when it connected)</span></dd>
</dl>
<form method="post" action="${ACCOUNT_PATHS.revoke}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<input type="hidden" name="grant" value="${escapeHtml(c.reference)}">
<button type="submit" aria-label="Revoke ${escapeHtml(name)}">Revoke</button>
</form>
</li>`;
}

/**
 * The connected-clients page: each active grant of the signed-in user, a "Revoke" form per grant and "Sign out
 * everywhere". Every value is escaped (client names are whatever a client registered); forms carry the session's CSRF
 * token. Revoked grants are not listed: nothing can bring one back, and the page is about what still has access; the
 * notice after a revocation names the client once.
 */
export function renderAccountPage(clients: readonly ConnectedClient[], csrf: string, notice?: ConnectedClient): string {
  const active = clients.filter((c) => c.status === 'active');
  const banner = notice
    ? `<p class="notice" role="status" id="notice">Access of <strong>${escapeHtml(notice.clientName ?? notice.clientId)}</strong> was revoked: its tokens are refused by every MCP server within seconds, and its refresh token no longer works.</p>`
    : '';
  const list = active.length
    ? `<ul class="grants" id="grants">${active.map((c) => clientCard(c, csrf)).join('\n')}</ul>`
    : '<p id="no-grants">No application has access to your account.</p>';
  const everywhere = active.length
    ? `<form method="post" action="${ACCOUNT_PATHS.signOutEverywhere}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<p class="muted">Ends the access of every application above at once, and this page's session.</p>
<div class="actions"><button type="submit">Sign out everywhere</button></div>
</form>`
    : '';
  return renderPage(
    'Connected clients',
    `<h1>Connected clients</h1>
${banner}
<p class="muted">Applications that can use MCP servers on your behalf. Revoking one ends its access at once: its refresh token stops working, and every MCP server refuses its access tokens within seconds.</p>
${list}
${everywhere}
<p class="muted"><a href="${GATEWAY_SIGN_OUT_PATHS.signOut}">Sign out of this browser</a></p>`,
    ACCOUNT_STYLE,
  );
}

/** After "Sign out everywhere": how many grants ended, and the way out of the identity provider's session too. */
export function renderSignedOutEverywherePage(ended: number | undefined): string {
  const count = ended === undefined ? '' : ` ${ended === 1 ? 'One application' : `${ended} applications`} lost access.`;
  return renderPage(
    'Signed out everywhere',
    `<h1>Signed out everywhere</h1>
<p id="ended">Every application connected to your account has been disconnected.${escapeHtml(count)} Their tokens are refused by every MCP server within seconds.</p>
<p>You are still signed in at the identity provider in this browser: <a href="${GATEWAY_SIGN_OUT_PATHS.signOut}">sign out there too</a>.</p>`,
  );
}

const ACCOUNT_STYLE = `
  main{max-width:42rem}
  ul.grants{list-style:none;padding:0}
  li.grant{border:1px solid #dadce0;border-radius:10px;padding:1rem;margin:0 0 1rem}
  li.grant h2{font-size:1.1rem;margin:0}
  dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:.75rem 0}
  dt{color:#5f6368}
  dd{margin:0}
  .notice{background:#e6f4ea;border:1px solid #34a853;border-radius:8px;padding:.75rem}
`;
