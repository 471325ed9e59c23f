/**
 * Rolling-window limiter for people search (Bob documents 50/minute for POST /people/search).
 * One budget per credential; the clock and window are injectable so tests need not wait.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the oldest counted call leaves the window. */
  resetEpochSeconds: number;
  /** Whole seconds until a call would be allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    public limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  take(key: string): RateDecision {
    const now = this.now();
    const kept = (this.calls.get(key) ?? []).filter((t) => t > now - this.windowMs);
    const allowed = kept.length < this.limit;
    if (allowed) kept.push(now);
    this.calls.set(key, kept);
    const oldest = kept[0] ?? now;
    const resetMs = oldest + this.windowMs;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - kept.length),
      resetEpochSeconds: Math.ceil(resetMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((resetMs - now) / 1000)),
    };
  }

  reset(): void {
    this.calls.clear();
  }
}
