import { isLoopbackRedirectUri } from '@mcp-cognito/oauth';
import { escapeHtml, renderPage } from '../http/html';
import type { ValidatedAuthorizationRequest } from './authorization-request';

/** What the form carries back: the original request, so approval re-validates exactly it. */
export function consentFormFields(request: ValidatedAuthorizationRequest): Record<string, string> {
  return {
    client_id: request.client.clientId,
    ...(request.redirectUriOmitted ? {} : { redirect_uri: request.redirectUri }),
    response_type: 'code',
    scope: request.scopes.join(' '),
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    resource: request.resource,
    ...(request.state !== undefined ? { state: request.state } : {}),
  };
}

function redirectTarget(uri: string): { label: string; loopback: boolean; scheme?: string } {
  const url = new URL(uri);
  if (url.protocol === 'https:') return { label: url.host, loopback: false };
  if (isLoopbackRedirectUri(url)) return { label: `${url.hostname} (an application on this computer)`, loopback: true };
  // RFC 8252 §7.1 private-use scheme: whichever application registered it on this computer receives the answer.
  return { label: `the application that opens ${url.protocol} links on this computer`, loopback: false, scheme: url.protocol };
}

/**
 * The gateway's own consent page (MCP confused-deputy rule): who is asking (name as the client
 * claims it, plus its id and where it came from), where the answer goes, which scopes, for which
 * MCP server. Every client-supplied string is escaped.
 */
export function renderConsentPage(request: ValidatedAuthorizationRequest, csrf: string, hiddenFields: Record<string, string>): string {
  const { client } = request;
  const name = client.clientName ?? client.clientId;
  const target = redirectTarget(request.redirectUri);
  const origin =
    client.source === 'metadata-document'
      ? `Its identity is published at <code>${escapeHtml(new URL(client.clientId).host)}</code>.`
      : client.source === 'dynamic'
        ? 'This application registered itself; its name has not been verified.'
        : 'This application was registered by your administrators.';
  const allLoopback = client.redirectUris.every((u) => {
    try {
      const p = new URL(u);
      return isLoopbackRedirectUri(p);
    } catch {
      return false;
    }
  });
  const warn =
    client.source === 'metadata-document' && allLoopback
      ? `<p class="warn" role="alert">This application only redirects to programs on this computer. Approve only if you just started it yourself.</p>`
      : target.scheme !== undefined && client.source !== 'static'
        ? `<p class="warn" role="alert">The answer goes to whichever application handles <strong><code>${escapeHtml(target.scheme)}</code></strong> links on this computer. Approve only if you just started that application yourself.</p>`
        : '';
  const scopes = request.scopes.map((s) => `<li><code>${escapeHtml(s)}</code> - ${escapeHtml(request.server.scopes[s] ?? s)}</li>`).join('');
  const hidden = Object.entries({ ...hiddenFields, csrf })
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');

  return renderPage(
    `Allow ${name}?`,
    `<h1>Allow <span id="client-name">${escapeHtml(name)}</span> to use your account?</h1>
<p class="muted">Client id: <code>${escapeHtml(client.clientId)}</code>. ${origin}</p>
${warn}
<p>It wants to use <strong id="server-title">${escapeHtml(request.server.title)}</strong> (<code id="resource">${escapeHtml(request.resource)}</code>) on your behalf with these permissions:</p>
<ul id="scopes">${scopes}</ul>
<p>After you sign in, you will be sent back to <strong id="redirect-host">${escapeHtml(target.label)}</strong>.</p>
<form method="post" action="/consent">
${hidden}
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="muted"><a id="manage-clients" href="/account" target="_blank" rel="noopener noreferrer">Manage connected clients</a>: see and revoke the applications that already have access.</p>`,
  );
}
