import { Injectable } from '@nestjs/common';

/** Counts UFOP requests in flight, so that a drain can wait for the last one before the server closes. */
@Injectable()
export class UfopRequestTracker {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  get active(): number {
    return this.inFlight;
  }

  started(): void {
    this.inFlight++;
  }

  ended(): void {
    this.inFlight--;
    if (this.inFlight > 0) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
