import { validateClientMetadata } from '@mcp-cognito/oauth';
import { sha256Hex } from '../keys/secrets';
import type { OAuthClient } from './oauth-client';

/**
 * Pre-registered clients from STATIC_CLIENTS: a JSON array of RFC 7591 metadata objects, each with a
 * `client_id` and, for confidential clients, a `client_secret` (from Secrets Manager in AWS). Parsed
 * and validated once at start; a bad entry stops the start with a message naming it.
 */
export function parseStaticClients(json: string | undefined): Map<string, OAuthClient> {
  const clients = new Map<string, OAuthClient>();
  if (!json) return clients;
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    throw new Error('STATIC_CLIENTS is not valid JSON');
  }
  if (!Array.isArray(entries)) throw new Error('STATIC_CLIENTS must be a JSON array of client metadata objects');
  entries.forEach((entry: Record<string, unknown>, i) => {
    const clientId = entry?.['client_id'];
    if (typeof clientId !== 'string' || !/^[\w.:-]{1,200}$/.test(clientId)) {
      throw new Error(`STATIC_CLIENTS[${i}].client_id must be 1-200 characters of [A-Za-z0-9_.:-]`);
    }
    const check = validateClientMetadata(entry, { defaultAuthMethod: entry['client_secret'] ? 'client_secret_basic' : 'none' });
    if (!check.ok) throw new Error(`STATIC_CLIENTS[${i}] (${clientId}): ${check.description}`);
    const secret = entry['client_secret'];
    const m = check.metadata;
    if (m.token_endpoint_auth_method !== 'none' && (typeof secret !== 'string' || secret.length < 32)) {
      throw new Error(`STATIC_CLIENTS[${i}] (${clientId}): a confidential client needs a client_secret of at least 32 characters`);
    }
    clients.set(clientId, {
      clientId,
      source: 'static',
      redirectUris: m.redirect_uris,
      tokenEndpointAuthMethod: m.token_endpoint_auth_method,
      clientSecretHash: typeof secret === 'string' && m.token_endpoint_auth_method !== 'none' ? sha256Hex(secret) : undefined,
      grantTypes: m.grant_types,
      clientName: m.client_name,
      clientUri: m.client_uri,
      logoUri: m.logo_uri,
      scope: m.scope,
    });
  });
  return clients;
}
