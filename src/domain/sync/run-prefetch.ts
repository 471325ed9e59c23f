/** How long a fetch begun for a run waits for the run to take it. */
export const PREFETCH_TTL_MS = 10_000;

/**
 * Work begun when a full sync is requested, before its job has even been picked up: the run of
 * that company that starts next takes it (take). One at a time in a process, as its worker runs
 * one full sync at a time: a second would wait behind the first and go stale. What nobody takes
 * in time (another replica ran the job) is dropped. Whether it is still good is the taker's to judge.
 */
export class Prefetches<T> {
  private waiting: {
    readonly companyId: string;
    readonly value: Promise<T | null>;
    readonly timer: NodeJS.Timeout;
  } | null = null;

  constructor(private readonly ttlMs: number = PREFETCH_TTL_MS) {}

  /** Starts `start` unless something is already waiting. */
  begin(companyId: string, start: () => Promise<T | null>): void {
    if (this.waiting !== null) return;
    const value = start().catch(() => null); // the run then does the work itself, and meets the error there
    const timer = setTimeout(() => {
      if (this.waiting?.value === value) this.waiting = null;
    }, this.ttlMs);
    timer.unref();
    this.waiting = { companyId, value, timer };
  }

  /** What is waiting for the company (then it is no longer waiting), or null. */
  take(companyId: string): Promise<T | null> | null {
    const entry = this.waiting;
    if (entry === null || entry.companyId !== companyId) return null;
    this.waiting = null;
    clearTimeout(entry.timer);
    return entry.value;
  }
}
