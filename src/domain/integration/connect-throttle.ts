import { RateLimitedError } from "../errors.js";

/**
 * Failed connects per company, so an admin (or a script) retrying a wrong token cannot make us
 * hammer Bob with it: Bob's firewall blocks an Authorization header (or our IP) after repeated
 * 401/403s, and that would stall every company's syncs.
 *
 * Policy: `freeFailures` failed attempts (Bob said 401/403) pass; from then on each failure locks
 * the company out for `baseLockMs`, doubling per further failure up to `maxLockMs`. A company is
 * forgotten `forgetAfterMs` after its last failure and lock, and at once on a successful connect.
 * Attempts in flight count too: parallel connects cannot slip past the limit together.
 *
 * Per process and bounded: at most `maxCompanies` entries, the least recently failed dropped
 * first (callers are authenticated admins, so the key space is the set of real tenants). With
 * several replicas each keeps its own count, so the limit is per replica.
 */
export interface ConnectThrottleOptions {
  readonly freeFailures?: number;
  readonly baseLockMs?: number;
  readonly maxLockMs?: number;
  readonly forgetAfterMs?: number;
  readonly maxCompanies?: number;
  /** What a caller refused because of attempts still in flight is told to wait (a connect's deadline). */
  readonly inFlightRetryAfterMs?: number;
}

interface Lane {
  failures: number;
  inFlight: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export const CONNECT_THROTTLE_DEFAULTS = {
  freeFailures: 5,
  baseLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxCompanies: 10_000,
  inFlightRetryAfterMs: 30_000,
} as const;

/** One admitted attempt: report how it ended exactly once. */
export interface ConnectAttempt {
  succeeded(): void;
  /** Bob refused the credential (401/403) at `at` (ms): counts towards the lock. */
  rejected(at: number): void;
  /** Anything else (Bob down, bad input caught late): does not count. */
  abandoned(): void;
}

export class ConnectThrottle {
  private readonly lanes = new Map<string, Lane>();
  private readonly o: Required<ConnectThrottleOptions>;

  constructor(options: ConnectThrottleOptions = {}) {
    this.o = { ...CONNECT_THROTTLE_DEFAULTS, ...options };
  }

  /** Admits one attempt for the company at `now` (ms), or throws RATE_LIMITED without side effects. */
  admit(companyId: string, now: number): ConnectAttempt {
    const lane = this.current(companyId, now);
    if (lane && lane.lockedUntil > now) throw tooMany((lane.lockedUntil - now) / 1000);
    // Below the free allowance, as many at once as remain of it; past it, one at a time.
    const allowed = Math.max(1, this.o.freeFailures - (lane?.failures ?? 0));
    if (lane && lane.inFlight >= allowed) throw tooMany(this.o.inFlightRetryAfterMs / 1000);
    const admitted = lane ?? this.create(companyId);
    admitted.inFlight += 1;
    let settled = false;
    const settle = (outcome: "ok" | "rejected" | "other", at = now): void => {
      if (settled) return;
      settled = true;
      admitted.inFlight -= 1;
      if (outcome === "ok") this.lanes.delete(companyId);
      else if (outcome === "rejected") this.fail(companyId, admitted, at);
      else if (admitted.failures === 0 && admitted.inFlight === 0) this.lanes.delete(companyId);
    };
    return {
      succeeded: () => settle("ok"),
      rejected: (at) => settle("rejected", at),
      abandoned: () => settle("other"),
    };
  }

  /** Companies currently remembered (for tests and the size bound). */
  get size(): number {
    return this.lanes.size;
  }

  private fail(companyId: string, lane: Lane, now: number): void {
    lane.failures += 1;
    lane.lastFailureAt = Math.max(lane.lastFailureAt, now);
    const over = lane.failures - this.o.freeFailures;
    if (over >= 0)
      lane.lockedUntil = Math.max(
        lane.lockedUntil,
        now + Math.min(this.o.maxLockMs, this.o.baseLockMs * 2 ** Math.min(over, 30)),
      );
    // Re-inserted: Map order is then "least recently failed first", which the size bound evicts.
    if (this.lanes.get(companyId) === lane) {
      this.lanes.delete(companyId);
      this.lanes.set(companyId, lane);
    }
  }

  private current(companyId: string, now: number): Lane | undefined {
    const lane = this.lanes.get(companyId);
    if (lane && this.forgotten(lane, now)) {
      this.lanes.delete(companyId);
      return undefined;
    }
    return lane;
  }

  private forgotten(lane: Lane, now: number): boolean {
    return lane.inFlight === 0 && now >= Math.max(lane.lastFailureAt, lane.lockedUntil) + this.o.forgetAfterMs;
  }

  private create(companyId: string): Lane {
    const lane: Lane = { failures: 0, inFlight: 0, lastFailureAt: 0, lockedUntil: 0 };
    this.lanes.set(companyId, lane);
    // Over the bound: drop the least recently failed companies with nothing in flight.
    for (const [key, old] of this.lanes) {
      if (this.lanes.size <= this.o.maxCompanies) break;
      if (old !== lane && old.inFlight === 0) this.lanes.delete(key);
    }
    return lane;
  }
}

function tooMany(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `Too many failed attempts to connect Bob for this company; try again in ${Math.max(1, Math.ceil(retryAfterSeconds))} s. Check the token (and service user id) in Bob first: Bob blocks credentials that fail repeatedly.`,
    retryAfterSeconds,
  );
}
