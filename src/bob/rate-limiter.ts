import { systemBobClock, type BobClock } from "./clock.js";

/** Thrown when the next free slot would come after the caller's deadline. */
export class RateLimitWaitExceeded extends Error {
  constructor(readonly waitMs: number) {
    super(`No rate-limit slot within the deadline (next in ${Math.ceil(waitMs / 1000)} s).`);
    this.name = "RateLimitWaitExceeded";
  }
}

/**
 * A rolling window kept outside this process (PostgreSQL: persistence/stores/shared-rate-window.ts),
 * so that every replica draws on one budget per credential: Bob limits the credential, not the
 * process. Each method is one statement; no lock is held across a Bob call.
 */
export interface SharedRateWindow {
  /** Counts a call at `now` if fewer than `limit` started in the last `windowMs` and no hold-off runs; else says when a slot frees. */
  take(
    key: string,
    limit: number,
    windowMs: number,
    now: number,
  ): Promise<{ readonly taken: true } | { readonly taken: false; readonly freeAt: number }>;
  /** Nobody on this key, in any process, starts a call before untilMs. */
  holdOff(key: string, untilMs: number): Promise<void>;
}

/**
 * Added to the window of a shared budget: Bob counts a call when it arrives, and a call granted on
 * one replica may arrive a moment after one granted later on another.
 */
export const SHARED_WINDOW_MARGIN_MS = 1_000;

interface Lane {
  /** Start times of the calls made in the current window, oldest first. */
  readonly stamps: number[];
  /** Set after a 429 so queued calls wait as long as Bob asked, not just the local budget. */
  pausedUntil: number;
  /** Settles when the last queued caller has got (or given up) its slot: keeps callers FIFO. */
  tail: Promise<void>;
  /** Callers between acquire() and getting (or giving up) their slot: a lane with any is not idle. */
  waiting: number;
}

/**
 * A rolling-window limiter keyed by "credential + endpoint". Callers WAIT for a slot rather than
 * provoke a 429 (Bob's WAF also dislikes bursts). One instance can be shared by several Bob
 * clients so every call for one company draws on one budget.
 *
 * With a SharedRateWindow (PostgreSQL) the window itself lives in the database and every replica
 * draws on it; this process still queues its own callers FIFO per lane, so only the head asks.
 * Should the database not answer, the call falls back to this process's own window.
 *
 * Lanes are keyed by credential, and credentials come and go (reconnects, disconnected
 * companies): at most once per window, lanes with no call in the window, no hold-off and nobody
 * waiting are dropped, so the map holds only credentials used in about the last two windows.
 */
export class BobRateLimiter {
  private readonly lanes = new Map<string, Lane>();
  private readonly clock: BobClock;
  private readonly windowMs: number;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private readonly shared: SharedRateWindow | null;

  constructor(options: { clock?: BobClock; windowMs?: number; shared?: SharedRateWindow } = {}) {
    this.clock = options.clock ?? systemBobClock;
    this.windowMs = options.windowMs ?? 60_000;
    this.shared = options.shared ?? null;
  }

  /**
   * Waits (in arrival order) until a call may start under `limit` calls per window, then counts
   * it. Throws RateLimitWaitExceeded, without taking a slot, if that would be after deadlineAt.
   */
  async acquire(key: string, limit: number, deadlineAt = Number.POSITIVE_INFINITY): Promise<void> {
    const lane = this.lane(key);
    lane.waiting += 1;
    const previous = lane.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    lane.tail = previous.then(() => mine);
    try {
      await this.waitTurn(previous, deadlineAt);
      const slots = Math.max(1, Math.floor(limit));
      if (this.shared) await this.waitForSharedSlot(this.shared, key, lane, slots, deadlineAt);
      else await this.waitForSlot(lane, slots, deadlineAt);
    } finally {
      lane.waiting -= 1;
      release();
    }
  }

  /** Bob said "wait until then" (429): nobody on this key starts a call before it. */
  holdOff(key: string, untilMs: number): void {
    const lane = this.lane(key);
    lane.pausedUntil = Math.max(lane.pausedUntil, untilMs);
    // The other replicas hold off too; should that fail, the next 429 tells them.
    this.shared?.holdOff(key, untilMs).catch(() => undefined);
  }

  /** Calls counted in the current window (for tests and metrics). */
  inWindow(key: string): number {
    const lane = this.lanes.get(key);
    if (!lane) return 0;
    this.prune(lane, this.clock.now());
    return lane.stamps.length;
  }

  /** Lanes currently kept (for tests and metrics). */
  get laneCount(): number {
    return this.lanes.size;
  }

  /** Drops every idle lane now; otherwise this happens at most once per window, on a call. */
  sweep(): void {
    const now = this.clock.now();
    this.lastSweepAt = now;
    for (const [key, lane] of this.lanes) {
      this.prune(lane, now);
      if (lane.waiting === 0 && lane.stamps.length === 0 && lane.pausedUntil <= now) this.lanes.delete(key);
    }
  }

  private lane(key: string): Lane {
    if (this.clock.now() - this.lastSweepAt >= this.windowMs) this.sweep();
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { stamps: [], pausedUntil: 0, tail: Promise.resolve(), waiting: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private prune(lane: Lane, now: number): void {
    while (lane.stamps.length > 0 && (lane.stamps[0] as number) <= now - this.windowMs) lane.stamps.shift();
  }

  private async waitTurn(previous: Promise<void>, deadlineAt: number): Promise<void> {
    if (deadlineAt === Number.POSITIVE_INFINITY) return previous;
    const stop = new AbortController();
    const timedOut = this.clock.sleep(Math.max(0, deadlineAt - this.clock.now()), stop.signal).then(
      () => true,
      () => false,
    );
    const late = await Promise.race([previous.then(() => false), timedOut]);
    stop.abort();
    if (late) throw new RateLimitWaitExceeded(0);
  }

  private async waitForSlot(lane: Lane, limit: number, deadlineAt: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.prune(lane, now);
      const full = lane.stamps.length >= limit;
      const freeAt = Math.max(
        lane.pausedUntil,
        full ? (lane.stamps[lane.stamps.length - limit] as number) + this.windowMs : 0,
      );
      if (freeAt <= now) {
        lane.stamps.push(now);
        return;
      }
      if (freeAt > deadlineAt) throw new RateLimitWaitExceeded(freeAt - now);
      await this.clock.sleep(freeAt - now);
    }
  }

  /** The database's window decides; this process's stamps are kept as the fallback's. */
  private async waitForSharedSlot(
    shared: SharedRateWindow,
    key: string,
    lane: Lane,
    limit: number,
    deadlineAt: number,
  ): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let answer: Awaited<ReturnType<SharedRateWindow["take"]>>;
      try {
        answer = await shared.take(key, limit, this.windowMs + SHARED_WINDOW_MARGIN_MS, now);
      } catch {
        return this.waitForSlot(lane, limit, deadlineAt);
      }
      if (answer.taken) {
        this.prune(lane, now);
        lane.stamps.push(now);
        return;
      }
      const freeAt = Math.max(answer.freeAt, lane.pausedUntil);
      if (freeAt > deadlineAt) throw new RateLimitWaitExceeded(freeAt - now);
      await this.clock.sleep(Math.max(1, freeAt - now));
    }
  }
}
