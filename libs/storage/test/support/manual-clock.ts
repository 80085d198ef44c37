import type { Clock } from '@mcp-cognito/contracts';

/** A clock that only moves when told to: expiry is tested without sleeping. */
export class ManualClock implements Clock {
  constructor(private ms = Date.now()) {}

  now(): number {
    return this.ms;
  }

  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
