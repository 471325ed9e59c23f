import { setTimeout as sleep } from "node:timers/promises";

/**
 * Time as the Bob client sees it. Injectable so the rate limiter and retry waits can be tested
 * without really waiting a minute.
 */
export interface BobClock {
  now(): number;
  /** Resolves after ms; rejects if the signal aborts first (so abandoned waits free their timer). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemBobClock: BobClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(Math.max(0, ms), undefined, signal ? { signal } : undefined),
};
