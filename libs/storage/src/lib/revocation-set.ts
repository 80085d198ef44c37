import type { Clock } from '@mcp-cognito/contracts';
import type { RevocationEntry, RevocationFeedPage } from './repositories/revocation-feed.types';

/**
 * Entries written this long before the previous read began are read again: a writer whose clock is behind, or whose
 * write was still in flight when the previous read ran, is never missed. The overlap costs nothing but a few
 * re-read entries.
 */
export const FEED_OVERLAP_MS = 30_000;

/** What the gate does with a verified token. */
export type RevocationDecision =
  /** Not revoked, and the set is current. */
  | 'accept'
  /** Named by the feed: 401 `invalid_token`. Decided even while the feed is unreachable (what is known stays known). */
  | 'revoked'
  /** Not revoked as far as the (stale) set knows; accepted inside the fail-open window. */
  | 'accept_stale'
  /** The set is older than the fail-open window allows: 503, whether or not the token was revoked. */
  | 'unavailable';

/** Reported by {@link RevocationSet.status} (health, logs). */
export interface RevocationSetStatus {
  state: 'current' | 'stale' | 'closed';
  /** Milliseconds since the last successful read began. */
  lastReadAgeMs: number;
  grants: number;
  users: number;
}

export interface RevocationSetOptions {
  /** Time between reads (REVOCATION_POLL_MS). */
  pollMs: number;
  /** How long past a missed read tokens are still accepted (REVOCATION_FAIL_OPEN_MS). */
  failOpenMs: number;
  /** The longest one read may take (the storage operation budget): a read this late is not yet "missed". */
  readBudgetMs: number;
  clock: Clock;
}

/** Reads the feed from `sinceMs` (libs/storage `RevocationFeedRepository.since`). */
export type FeedReader = (sinceMs: number) => Promise<RevocationFeedPage>;
/** After each read: `ok`, or why it failed (a bounded label); and how many requests it took. Must not throw. */
export type FeedReadObserver = (outcome: string, requests: number) => void;

/**
 * The revocation set of one MCP server instance (docs/architecture.md#revocation): revoked grant references and
 * revoked users, refreshed from the feed on a timer so that the request gate decides with two map lookups and no
 * storage request. Entries are dropped when the tokens they cover have expired.
 */
export class RevocationSet {
  /** grant reference -> expiresAt (epoch s) */
  private readonly grants = new Map<string, number>();
  /** sub -> the latest user revocation (tokens issued at or before `revokedAtMs` are refused) */
  private readonly users = new Map<string, { revokedAtMs: number; expiresAt: number }>();
  private lastGoodReadStartedMs: number;
  private nextSinceMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private read: FeedReader = () => Promise.reject(new Error('the revocation set is not connected to the feed'));
  private onRead: FeedReadObserver | undefined;

  constructor(private readonly options: RevocationSetOptions) {
    // Until the first read succeeds the set counts as read at construction: a server that starts while the table is
    // unreachable fails open for the same window as one that loses the table later, then closes.
    this.lastGoodReadStartedMs = options.clock.now();
  }

  /** Where the set reads from (the table, once the storage layer exists), and who hears about each read. */
  connect(read: FeedReader, onRead?: FeedReadObserver): void {
    this.read = read;
    this.onRead = onRead;
  }

  /** Reads what was written since the last read (everything live, the first time). Never throws. */
  async refresh(): Promise<boolean> {
    const startedMs = this.options.clock.now();
    let page: RevocationFeedPage;
    try {
      page = await this.read(this.nextSinceMs);
    } catch (error) {
      this.report(outcomeOf(error), 1);
      return false;
    }
    for (const entry of page.entries) this.add(entry);
    this.prune(Math.floor(startedMs / 1000));
    if (page.truncated) {
      // The read stopped at its page limit: continue right after what it returned (never skip past unread entries),
      // and do not count it as a complete read.
      const last = page.entries.at(-1);
      if (last !== undefined) this.nextSinceMs = Math.max(this.nextSinceMs, last.revokedAtMs);
      this.report('truncated', page.requests);
      return false;
    }
    this.lastGoodReadStartedMs = startedMs;
    this.nextSinceMs = Math.max(0, startedMs - FEED_OVERLAP_MS);
    this.report('ok', page.requests);
    return true;
  }

  /** First read now (awaited), then one every `pollMs` until {@link stop}. Reads never overlap. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.refresh();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The gate's question, for a token that verified. */
  decide(principal: { sub: string; issuedAt: number; grantRef?: string }): RevocationDecision {
    if (principal.grantRef !== undefined && this.grants.has(principal.grantRef)) return 'revoked';
    const user = this.users.get(principal.sub);
    // `iat` has second precision: a token issued in the second of the revocation is refused too (the safe side).
    if (user && principal.issuedAt <= Math.floor(user.revokedAtMs / 1000)) return 'revoked';
    const state = this.state();
    return state === 'current' ? 'accept' : state === 'stale' ? 'accept_stale' : 'unavailable';
  }

  status(): RevocationSetStatus {
    return { state: this.state(), lastReadAgeMs: this.options.clock.now() - this.lastGoodReadStartedMs, grants: this.grants.size, users: this.users.size };
  }

  private state(): RevocationSetStatus['state'] {
    const age = this.options.clock.now() - this.lastGoodReadStartedMs;
    const due = this.options.pollMs + this.options.readBudgetMs;
    if (age <= due) return 'current';
    return age <= due + this.options.failOpenMs ? 'stale' : 'closed';
  }

  private add(entry: RevocationEntry): void {
    if (entry.target === 'grant') {
      this.grants.set(entry.ref, Math.max(entry.expiresAt, this.grants.get(entry.ref) ?? 0));
    } else if (entry.target === 'user') {
      const known = this.users.get(entry.ref);
      if (!known || entry.revokedAtMs > known.revokedAtMs) {
        this.users.set(entry.ref, { revokedAtMs: entry.revokedAtMs, expiresAt: Math.max(entry.expiresAt, known?.expiresAt ?? 0) });
      }
    }
  }

  private prune(nowSeconds: number): void {
    for (const [ref, expiresAt] of this.grants) if (expiresAt <= nowSeconds) this.grants.delete(ref);
    for (const [sub, user] of this.users) if (user.expiresAt <= nowSeconds) this.users.delete(sub);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  private report(outcome: string, requests: number): void {
    try {
      this.onRead?.(outcome, requests);
    } catch {
      // An observer must never change the outcome.
    }
  }
}

/** A bounded label for a failed read: the storage outage reason when there is one. */
function outcomeOf(error: unknown): string {
  const reason = (error as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' && /^[a-z_]{1,40}$/.test(reason) ? reason : 'error';
}
