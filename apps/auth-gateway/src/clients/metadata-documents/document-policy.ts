import { isIP } from 'node:net';
import { validateClientMetadata } from '@mcp-cognito/oauth';
import type { OAuthClient } from '../oauth-client';
import { isForbiddenAddress } from './address-policy';

/** Why a document was refused (logged; the user sees a generic error page). */
export class MetadataDocumentError extends Error {}

const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_TTL_MS = 24 * 3600_000;

/**
 * Client ID Metadata Documents (MCP 2025-11-25 client registration, draft-ietf-oauth-client-id-metadata-document):
 * the rules for the URL, the document and its cache lifetime. Nothing here does I/O.
 */
export const documentPolicy = {
  /** A client id is a metadata-document URL when it is an absolute http(s) URL. */
  isMetadataDocumentUrl(clientId: string): boolean {
    return /^https?:\/\//i.test(clientId);
  },

  /**
   * https, a path, no fragment, no credentials, no dot segments, canonical form; an IP-literal host is checked
   * against the forbidden ranges here (it never goes through the connect-time DNS guard). `allowPrivate`: the
   * development allow-list names this host (it may then also use http).
   */
  checkUrl(clientId: string, allowPrivate: (url: URL) => boolean): URL {
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      throw new MetadataDocumentError('client_id is not a valid URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate(url))) throw new MetadataDocumentError('client_id URL must use https');
    if (url.hash || clientId.includes('#') || url.username || url.password) throw new MetadataDocumentError('client_id URL must not have a fragment or credentials');
    if (url.pathname === '/' || /\/\.\.?(\/|$)/.test(clientId)) throw new MetadataDocumentError('client_id URL must have a path without dot segments');
    if (url.toString() !== clientId) throw new MetadataDocumentError('client_id URL is not in canonical form');
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && isForbiddenAddress(literal) && !allowPrivate(url)) throw new MetadataDocumentError('client_id host is a forbidden address');
    return url;
  },

  /** The document as a client: its `client_id` is its own URL, it is public, and its metadata passes RFC 7591 rules. */
  toClient(clientId: string, body: unknown): OAuthClient {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MetadataDocumentError('metadata document must be a JSON object');
    const doc = body as Record<string, unknown>;
    if (doc['client_id'] !== clientId) throw new MetadataDocumentError('metadata document client_id does not equal its URL');
    for (const forbidden of ['client_secret', 'client_secret_expires_at']) {
      if (forbidden in doc) throw new MetadataDocumentError(`metadata document must not contain ${forbidden}`);
    }
    const check = validateClientMetadata(doc, { defaultAuthMethod: 'none' });
    if (!check.ok) throw new MetadataDocumentError(`metadata document: ${check.description}`);
    if (check.metadata.token_endpoint_auth_method !== 'none') {
      throw new MetadataDocumentError('metadata document clients must be public (token_endpoint_auth_method none)');
    }
    const m = check.metadata;
    return {
      clientId,
      source: 'metadata-document',
      redirectUris: m.redirect_uris,
      tokenEndpointAuthMethod: 'none',
      grantTypes: m.grant_types,
      clientName: m.client_name,
      clientUri: m.client_uri,
      logoUri: m.logo_uri,
      scope: m.scope,
    };
  },

  /** RFC 9111: max-age bounded to a day; no-store/no-cache/private = do not cache; default 5 minutes. */
  cacheLifetimeMs(cacheControl: string | undefined): number {
    if (!cacheControl) return DEFAULT_TTL_MS;
    const cc = cacheControl.toLowerCase();
    if (/(^|,)\s*(no-store|no-cache|private)\b/.test(cc)) return 0;
    const maxAge = /max-age\s*=\s*(\d+)/.exec(cc);
    return maxAge ? Math.min(Number(maxAge[1]) * 1000, MAX_TTL_MS) : DEFAULT_TTL_MS;
  },
};
