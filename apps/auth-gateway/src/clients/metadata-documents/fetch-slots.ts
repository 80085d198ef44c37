import { MetadataDocumentError } from './document-policy';

/** No slot within the wait, or the queue is full: a refusal of this request only, never remembered as a verdict. */
export class FetchSlotsBusy extends MetadataDocumentError {}

export interface FetchSlotsOptions {
  /** Fetches in flight at once, in total. */
  total: number;
  /** Fetches in flight at once for one site. */
  perSite: number;
  /** Requests waiting for a slot, in total and for one site. */
  queueLimit: number;
  perSiteQueueLimit: number;
  /** How long a request waits for a slot. */
  waitMs: number;
}

interface Waiter {
  site: string;
  grant: () => void;
  timer: NodeJS.Timeout;
}

/**
 * The site a host belongs to, for fairness: its last two labels (`a.b.example.com` -> `example.com`), or the address
 * itself for an IP literal. Coarser than the public-suffix list (every `*.co.uk` host is one site here): that can
 * only make a site's share smaller, never let one host take more.
 */
export function siteOf(hostname: string): string {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':') || hostname.startsWith('[')) return hostname;
  return hostname.split('.').slice(-2).join('.');
}

/**
 * Concurrency for metadata-document fetches, fair between sites: a per-site limit under a total limit, and a short
 * FIFO queue instead of an immediate refusal. A host that never answers holds at most `perSite` slots for at most the
 * fetch timeout, and its own queue is bounded, so requests for every other site still get through; a burst waits a
 * moment instead of failing. Per instance (a cache of work in progress, not shared state).
 */
export class FetchSlots {
  private active = 0;
  private readonly activeBySite = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: FetchSlotsOptions) {}

  /** Waits for a slot for `site`; resolves with its release. @throws FetchSlotsBusy */
  acquire(site: string): Promise<() => void> {
    if (this.fits(site)) return Promise.resolve(this.take(site));
    const waitingForSite = this.queue.filter((w) => w.site === site).length;
    if (this.queue.length >= this.options.queueLimit || waitingForSite >= this.options.perSiteQueueLimit) {
      return Promise.reject(new FetchSlotsBusy('too many metadata document fetches in progress; try again shortly'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        site,
        grant: () => resolve(this.take(site)),
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(new FetchSlotsBusy('too many metadata document fetches in progress; try again shortly'));
        }, this.options.waitMs),
      };
      this.queue.push(waiter);
    });
  }

  /** Fetches in flight (tests). */
  get inFlight(): number {
    return this.active;
  }

  private fits(site: string): boolean {
    return this.active < this.options.total && (this.activeBySite.get(site) ?? 0) < this.options.perSite;
  }

  private take(site: string): () => void {
    this.active++;
    this.activeBySite.set(site, (this.activeBySite.get(site) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.activeBySite.get(site) ?? 1) - 1;
      if (left === 0) this.activeBySite.delete(site);
      else this.activeBySite.set(site, left);
      this.wakeNext();
    };
  }

  /** The oldest waiter whose site has room now (a waiter of a saturated site does not hold up the others). */
  private wakeNext(): void {
    const index = this.queue.findIndex((w) => this.fits(w.site));
    if (index < 0) return;
    const [waiter] = this.queue.splice(index, 1) as [Waiter];
    clearTimeout(waiter.timer);
    waiter.grant();
  }
}
