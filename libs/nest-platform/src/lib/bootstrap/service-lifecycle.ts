import { Injectable } from '@nestjs/common';

/** Where a service is in its life: taking traffic, or stopping (SIGTERM received, in-flight requests finishing). */
export type LifecycleState = 'serving' | 'draining';

/**
 * The one place that knows a service is stopping. {@link serveHttp} flips it on SIGTERM; the health endpoints read
 * it and answer 503 `draining` from that moment, so nothing routes new work here any more.
 */
@Injectable()
export class ServiceLifecycle {
  private current: LifecycleState = 'serving';

  get state(): LifecycleState {
    return this.current;
  }

  get draining(): boolean {
    return this.current === 'draining';
  }

  startDraining(): void {
    this.current = 'draining';
  }
}
