import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isForbiddenAddress } from './address-policy';
import { MetadataDocumentError } from './document-policy';

export interface GuardedFetchOptions {
  /** The host may resolve to private/loopback addresses (development allow-list only). */
  allowPrivate: boolean;
  /** Total time for the whole exchange, connect to last byte. */
  timeoutMs: number;
  maxBytes: number;
}

/**
 * A DNS lookup that refuses forbidden addresses (SSRF, RFC 9700 §4.14 / MCP security best practices). It runs at
 * connect time, so a name that resolves to a public address for a check and a private one for the connection
 * (DNS rebinding) cannot slip through.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const list = Array.isArray(addresses) ? addresses : [];
      if (!allowPrivate && (list.length === 0 || list.some((a) => isForbiddenAddress(a.address)))) {
        return callback(new MetadataDocumentError('client_id host resolves to a forbidden address'), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * GETs one JSON document: guarded DNS, no redirects (the document must live at its URL), `application/json` (or a
 * `+json` type) only, at most `maxBytes`, within a total deadline. Every failure is a {@link MetadataDocumentError}.
 */
export function fetchJsonDocument(url: URL, options: GuardedFetchOptions): Promise<{ body: unknown; cacheControl: string | undefined }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const failed = (err: Error) => (err instanceof MetadataDocumentError ? err : new MetadataDocumentError(`metadata document fetch failed: ${err.message}`));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', headers: { accept: 'application/json', 'user-agent': 'mcp-auth-gateway' }, lookup: guardedLookup(options.allowPrivate), timeout: options.timeoutMs },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new MetadataDocumentError(`metadata document answered ${res.statusCode}`));
        }
        if (!/^application\/(json|[\w.+-]+\+json)\b/i.test(String(res.headers['content-type'] ?? ''))) {
          res.resume();
          return reject(new MetadataDocumentError('metadata document is not JSON'));
        }
        let size = 0;
        let tooLarge = false;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes && !tooLarge) {
            tooLarge = true;
            reject(new MetadataDocumentError(`metadata document is larger than ${options.maxBytes} bytes`));
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
        res.on('error', (err) => reject(failed(err)));
      },
    );
    // A total deadline (the socket timeout alone would let a trickling server hold us for hours).
    const timedOut = () => req.destroy(new MetadataDocumentError(`metadata document did not answer within ${options.timeoutMs} ms`));
    const deadline = setTimeout(timedOut, options.timeoutMs);
    deadline.unref();
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', timedOut);
    req.on('error', (err) => reject(failed(err)));
    req.end();
  });
}
