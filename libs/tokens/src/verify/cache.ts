/**
 * A bounded, expiring in-memory cache: the verified-token cache (SHA-256(token) -> principal, until the token's
 * effective expiry) and the gateway's client caches use it.
 *
 * Bounded (least-recently-used eviction via Map insertion order), per process, and safe to lose: it holds nothing
 * another instance needs (docs/architecture.md, "Invariants") - a miss just costs the full work again.
 */
import { hash } from 'node:crypto';
import type { Clock } from '@mcp-cognito/contracts';

/** Cache key for a token: base64url SHA-256, so the cache never holds a usable token. */
export function tokenCacheKey(token: string): string {
  // One-shot crypto.hash: a third cheaper than a Hash object, and this runs on every tool call.
  return hash('sha256', token, 'base64url');
}

/** A size-bounded map whose entries expire at a given instant of the injected clock. */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  /** @param maxEntries 0 disables caching. */
  constructor(
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new TypeError('maxEntries must be a non-negative integer');
  }

  /** The value if present and `now < expiresAt`; an expired entry is removed, never returned. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now() >= entry.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Refresh recency: re-insert at the end of the Map's order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores a value until `expiresAtMs`, evicting the least recently used entries beyond the bound. */
  set(key: string, value: V, expiresAtMs: number): void {
    if (this.maxEntries === 0 || this.clock.now() >= expiresAtMs) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
