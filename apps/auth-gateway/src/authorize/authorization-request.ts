import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  UnauthorizedClient,
  UnsupportedResponseType,
  checkCodeChallenge,
  isRegisteredRedirectUri,
  matchResource,
  parseScope,
  scopesOutside,
} from '@mcp-cognito/oauth';
import type { McpServerRegistration } from '@mcp-cognito/contracts';
import type { ClientRegistry } from '../clients/client-registry.service';
import type { OAuthClient } from '../clients/oauth-client';
import { AuthorizationRedirectError } from '../http/client-redirect';
import { PageError } from '../http/oauth-exception.filter';

/** The parameters of an authorization request (RFC 6749 §4.1.1 + RFC 7636 + RFC 8707). */
export interface AuthorizationParams {
  client_id?: unknown;
  redirect_uri?: unknown;
  response_type?: unknown;
  state?: unknown;
  scope?: unknown;
  code_challenge?: unknown;
  code_challenge_method?: unknown;
  resource?: unknown;
  /** OpenID Connect Core §3.1.2.1; only `consent` is acted on (the consent page is shown whatever is remembered). */
  prompt?: unknown;
}

/**
 * Whether an error of this request may be sent back to the client's redirect URI at once, with nobody having
 * confirmed anything (OAuth 2.1 §7.12.2, RFC 9700 §4.11.2: an authorization server must not be an open redirector).
 * See {@link AuthorizationService.redirectTrusted} for the policy.
 */
export type RedirectTrust = (client: OAuthClient, redirectUri: string) => boolean;

export interface ValidatedAuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  /** The client omitted redirect_uri (exactly one is registered): it may omit it at /token too. */
  redirectUriOmitted: boolean;
  state?: string;
  codeChallenge: string;
  scopes: string[];
  resource: string;
  /** The MCP server `resource` names (registry): its title and scope descriptions are on the consent page. */
  server: McpServerRegistration;
  /** `prompt=consent`: ask, even when this browser remembers an approval. */
  consentRequested: boolean;
}

/** OIDC/offline scopes some MCP clients add out of habit: ignored (RFC 6749 §3.3 lets us), never granted. */
const IGNORED_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

const single = (v: unknown): unknown => (Array.isArray(v) ? Symbol('repeated') : v);

/**
 * Validates an authorization request in the order the rules demand: first the client and the
 * redirect URI, whose errors are shown as a page and never redirected (RFC 6749 §4.1.2.1, OAuth 2.1
 * §4.1.2.1); then everything else, whose errors go back to the validated redirect URI.
 */
export async function validateAuthorizationRequest(
  params: AuthorizationParams,
  registry: ClientRegistry,
  servers: readonly McpServerRegistration[],
  trusted: RedirectTrust,
): Promise<ValidatedAuthorizationRequest> {
  const clientId = single(params.client_id);
  if (typeof clientId !== 'string' || clientId === '') throw new PageError(new InvalidRequest('client_id is missing.'));
  const client = await registry.find(clientId);
  if (!client) throw new PageError(new InvalidRequest('The client is not registered with this server.', `unknown client ${clientId}`));

  const rawRedirect = single(params.redirect_uri);
  let redirectUri: string;
  if (rawRedirect === undefined || rawRedirect === '') {
    // RFC 6749 §3.1.2.3: may be omitted only when exactly one URI is registered.
    if (client.redirectUris.length !== 1) throw new PageError(new InvalidRequest('redirect_uri is required for this client.'));
    redirectUri = client.redirectUris[0]!;
  } else if (typeof rawRedirect !== 'string' || !isRegisteredRedirectUri(client.redirectUris, rawRedirect)) {
    throw new PageError(new InvalidRequest('redirect_uri is not registered for this client.', `unregistered redirect_uri for ${client.clientId}`));
  } else {
    redirectUri = rawRedirect;
  }

  const rawState = single(params.state);
  const state = typeof rawState === 'string' && rawState !== '' ? rawState : undefined;
  const redirectErrors = trusted(client, redirectUri);
  const fail = (error: InvalidRequest | InvalidScope | InvalidTarget | UnauthorizedClient | UnsupportedResponseType) => {
    if (redirectErrors) throw new AuthorizationRedirectError(error, redirectUri, state);
    throw new PageError(
      error,
      `The application was not sent back to ${redirectLabel(redirectUri)} with this error: nobody has approved that address for it yet. Close this page and start again from your application.`,
    );
  };
  if (rawState !== undefined && (typeof rawState !== 'string' || rawState.length > 2000)) fail(new InvalidRequest('state must be a string of at most 2000 characters.'));

  if (single(params.response_type) !== 'code') fail(new UnsupportedResponseType('Only response_type=code is supported.'));
  if (!client.grantTypes.includes('authorization_code')) fail(new UnauthorizedClient('This client may not use the authorization code grant.'));

  const pkce = checkCodeChallenge(single(params.code_challenge), single(params.code_challenge_method));
  if (!pkce.ok) fail(new InvalidRequest(`PKCE: ${pkce.reason}.`));

  // RFC 8707: the resource the token is for. MCP clients send it; an older client that does not is
  // given the only configured resource, never a guess among several.
  const rawResource = single(params.resource);
  let resource: string | undefined;
  if (rawResource === undefined || rawResource === '') {
    if (servers.length === 1) resource = servers[0]!.resource;
    else fail(new InvalidTarget('resource is required: name the MCP server this token is for.'));
  } else {
    resource = matchResource(rawResource, servers.map((s) => s.resource));
    if (!resource) fail(new InvalidTarget('The requested resource is not served by this authorization server.'));
  }
  const server = servers.find((s) => s.resource === resource)!;
  // Only the scopes of the server the token is for (a token is audience-bound to one server; another server's scope
  // would mean nothing there, and asking for it is a client error).
  const serverScopes = Object.keys(server.scopes);

  const parsed = parseScope(single(params.scope));
  if (parsed === undefined) fail(new InvalidScope('scope is malformed.'));
  // A static client's registered scope is a limit set by operators. A dynamic registration's scope is
  // what the client asked for when it registered (RFC 7591 §2): MCP clients register with the scope of
  // their first challenge and later step up (MCP "step-up authorization"), so it does not cap them.
  const allowed = client.source === 'static' && client.scope ? (parseScope(client.scope) ?? []).filter((s) => serverScopes.includes(s)) : serverScopes;
  let scopes = (parsed ?? []).filter((s) => !IGNORED_SCOPES.has(s));
  // No scope asked: everything this client may have (RFC 6749 §3.3 allows a documented default).
  if (scopes.length === 0) scopes = [...allowed];
  const outside = scopesOutside(scopes, allowed);
  if (outside.length > 0) fail(new InvalidScope(`Unknown or not allowed scope(s) for ${server.resource}: ${outside.join(' ')}.`));
  if (scopes.length === 0) fail(new InvalidScope('No scope is available to this client.'));

  const rawPrompt = single(params.prompt);
  const consentRequested = typeof rawPrompt === 'string' && rawPrompt.split(' ').includes('consent');

  const redirectUriOmitted = rawRedirect === undefined || rawRedirect === '';
  return { client, redirectUri, redirectUriOmitted, state, codeChallenge: single(params.code_challenge) as string, scopes, resource: resource!, server, consentRequested };
}

/** Where a redirect URI leads, for a sentence on a page (host, or the app scheme). */
function redirectLabel(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.host : `${url.protocol}// (an installed application)`;
}
