import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { validateClientMetadata } from '@mcp-cognito/oauth';
import { isForbiddenAddress } from './address-policy';
import type { OAuthClient } from './oauth-client';

export interface MetadataDocumentOptions {
  /** `host` or `host:port` entries that may resolve to private/loopback addresses and use http (development only). */
  allowedPrivateHosts: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** Bound of the in-memory cache (entries). */
  maxEntries?: number;
  /** Concurrent fetches per instance; more are refused at once. */
  maxInFlight?: number;
  now?: () => number;
}

/** Why a document was refused (logged; the user sees a generic error page). */
export class MetadataDocumentError extends Error {}

interface CacheEntry {
  client: OAuthClient;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_TTL_MS = 24 * 3600_000;
const FAILURE_TTL_MS = 60_000;

/**
 * Client ID Metadata Documents (MCP 2025-11-25 client registration): an https URL used as
 * `client_id` names a JSON document the gateway fetches and validates instead of a registration.
 * Fetching a URL chosen by a stranger is an SSRF risk, so: https only; every resolved address is
 * checked at connect time (no DNS-rebinding window) against private, loopback and link-local ranges
 * unless a development allow-list names the host; no redirects; bounded size and time. Documents are
 * cached per their Cache-Control, in a bounded map (a cache, not state: any instance can refetch).
 */
export class MetadataDocumentResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly failures = new Map<string, { reason: string; until: number }>();
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Fetches made (tests and metrics). */
  fetches = 0;

  constructor(private readonly options: MetadataDocumentOptions) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.maxBytes = options.maxBytes ?? 8 * 1024;
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 16;
    this.now = options.now ?? Date.now;
  }

  /** A client id is a metadata-document URL when it is an absolute http(s) URL with a path. */
  static isMetadataDocumentUrl(clientId: string): boolean {
    return /^https?:\/\//i.test(clientId);
  }

  async resolve(clientId: string): Promise<OAuthClient> {
    const cached = this.cache.get(clientId);
    if (cached && cached.expiresAt > this.now()) {
      // LRU: move to the end.
      this.cache.delete(clientId);
      this.cache.set(clientId, cached);
      return cached.client;
    }
    const failed = this.failures.get(clientId);
    if (failed && failed.until > this.now()) throw new MetadataDocumentError(failed.reason);
    const url = this.checkUrl(clientId);
    if (this.inFlight >= this.maxInFlight) throw new MetadataDocumentError('too many metadata document fetches in progress');
    this.inFlight++;
    let fetched: { body: unknown; cacheControl: string | undefined };
    try {
      fetched = await this.fetch(url);
    } catch (error) {
      // Failures are remembered briefly: a stranger cannot make us fetch the same bad URL in a loop.
      if (error instanceof MetadataDocumentError) this.rememberFailure(clientId, error.message);
      throw error;
    } finally {
      this.inFlight--;
    }
    const { body, cacheControl } = fetched;
    let client: OAuthClient;
    try {
      client = this.validate(clientId, body);
    } catch (error) {
      if (error instanceof MetadataDocumentError) this.rememberFailure(clientId, error.message);
      throw error;
    }
    const ttl = this.ttl(cacheControl);
    if (ttl > 0) {
      this.cache.set(clientId, { client, expiresAt: this.now() + ttl });
      while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    }
    return client;
  }

  private rememberFailure(clientId: string, reason: string): void {
    this.failures.set(clientId, { reason, until: this.now() + FAILURE_TTL_MS });
    while (this.failures.size > this.maxEntries) this.failures.delete(this.failures.keys().next().value as string);
  }

  private allowListed(url: URL): boolean {
    return this.options.allowedPrivateHosts.includes(url.host) || this.options.allowedPrivateHosts.includes(url.hostname);
  }

  private checkUrl(clientId: string): URL {
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      throw new MetadataDocumentError('client_id is not a valid URL');
    }
    // The spec: https, a path, no fragment, no credentials; we also refuse dot segments in the raw string.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowListed(url))) throw new MetadataDocumentError('client_id URL must use https');
    if (url.hash || clientId.includes('#') || url.username || url.password) throw new MetadataDocumentError('client_id URL must not have a fragment or credentials');
    if (url.pathname === '/' || /\/\.\.?(\/|$)/.test(clientId)) throw new MetadataDocumentError('client_id URL must have a path without dot segments');
    if (url.toString() !== clientId) throw new MetadataDocumentError('client_id URL is not in canonical form');
    // An IP-literal host never goes through DNS, so the connect-time lookup cannot see it: check it here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && isForbiddenAddress(literal) && !this.allowListed(url)) {
      throw new MetadataDocumentError('client_id host is a forbidden address');
    }
    return url;
  }

  /** DNS lookup that refuses forbidden addresses: runs at connect time, so rebinding cannot slip in. */
  private guardedLookup(url: URL): LookupFunction {
    const allow = this.allowListed(url);
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, '', 0);
        const list = Array.isArray(addresses) ? addresses : [];
        const bad = list.find((a) => isForbiddenAddress(a.address));
        if (!allow && (list.length === 0 || bad)) {
          return callback(new MetadataDocumentError(`client_id host resolves to a forbidden address`), '', 0);
        }
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      });
    };
  }

  private fetch(url: URL): Promise<{ body: unknown; cacheControl: string | undefined }> {
    this.fetches++;
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', headers: { accept: 'application/json', 'user-agent': 'mcp-auth-gateway' }, lookup: this.guardedLookup(url), timeout: this.timeoutMs },
        (res: IncomingMessage) => {
          if (res.statusCode !== 200) {
            res.resume();
            // Redirects are refused: the document must live at the client_id URL itself.
            return reject(new MetadataDocumentError(`metadata document answered ${res.statusCode}`));
          }
          const type = String(res.headers['content-type'] ?? '');
          if (!/^application\/(json|[\w.+-]+\+json)\b/i.test(type)) {
            res.resume();
            return reject(new MetadataDocumentError('metadata document is not JSON'));
          }
          let size = 0;
          let tooLarge = false;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxBytes && !tooLarge) {
              tooLarge = true;
              reject(new MetadataDocumentError(`metadata document is larger than ${this.maxBytes} bytes`));
              res.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            if (tooLarge) return;
            try {
              resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), cacheControl: res.headers['cache-control'] });
            } catch {
              reject(new MetadataDocumentError('metadata document is not valid JSON'));
            }
          });
          res.on('error', (err) => reject(err instanceof MetadataDocumentError ? err : new MetadataDocumentError(`metadata document fetch failed: ${err.message}`)));
        },
      );
      // A total deadline (the socket timeout alone would let a trickling server hold us for hours).
      const deadline = setTimeout(
        () => req.destroy(new MetadataDocumentError(`metadata document did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      deadline.unref();
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => req.destroy(new MetadataDocumentError(`metadata document did not answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(err instanceof MetadataDocumentError ? err : new MetadataDocumentError(`metadata document fetch failed: ${err.message}`)));
      req.end();
    });
  }

  private validate(clientId: string, body: unknown): OAuthClient {
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
  }

  /** RFC 9111: max-age bounded to a day; no-store/no-cache = do not cache; default 5 minutes. */
  private ttl(cacheControl: string | undefined): number {
    if (!cacheControl) return DEFAULT_TTL_MS;
    const cc = cacheControl.toLowerCase();
    if (/(^|,)\s*(no-store|no-cache|private)\b/.test(cc)) return 0;
    const maxAge = /max-age\s*=\s*(\d+)/.exec(cc);
    return maxAge ? Math.min(Number(maxAge[1]) * 1000, MAX_TTL_MS) : DEFAULT_TTL_MS;
  }
}
