import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CompanyLock } from "../../src/domain/ports/company-lock.js";
import type { DeliveryStore } from "../../src/domain/ports/delivery-store.js";
import { DEFAULT_SETTLE, WebhookApplier } from "../../src/domain/webhooks/webhook-applier.js";

/**
 * When a drain starts, given how deliveries keep arriving. Time is faked (setTimeout and
 * performance.now), so the figures are exact. The store is the port alone: the drain itself is
 * covered end to end in test/webhooks; here only the moment it asks for the pending deliveries counts.
 */
function applierOver(arrivals: (elapsedMs: number) => { count: number; lastSeq: number }) {
  const startedAt = performance.now();
  const drainStartedAt: number[] = [];
  const deliveries = {
    pendingState: async () => arrivals(performance.now() - startedAt),
    pending: async () => {
      drainStartedAt.push(performance.now() - startedAt);
      return [];
    },
  } as unknown as DeliveryStore;
  const lock: CompanyLock = { withLock: (_companyId, work) => work() };
  const applier = new WebhookApplier({ deliveries, lock } as unknown as ConstructorParameters<
    typeof WebhookApplier
  >[0]);
  return { applier, drainStartedAt };
}

/** Runs one drain to its end while the fake clock moves on. */
async function drainNow(applier: WebhookApplier): Promise<void> {
  const done = applier.drain("co");
  await vi.runAllTimersAsync();
  await done;
}

describe("how long a webhook drain waits for a burst to settle", () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "performance"] }));
  afterEach(() => void vi.useRealTimers());

  it("waits at most 5 s under a steady stream, so drains stay within a quarter of Bob's people-search budget", async () => {
    expect(DEFAULT_SETTLE.maxWaitMs).toBe(5_000);
    // A new delivery every 10 ms, forever: the burst never settles.
    const { applier, drainStartedAt } = applierOver((ms) => ({
      count: 1 + Math.floor(ms / 10),
      lastSeq: 1 + Math.floor(ms / 10),
    }));
    await drainNow(applier);
    expect(drainStartedAt).toHaveLength(1);
    expect(drainStartedAt[0]).toBeGreaterThanOrEqual(5_000);
    expect(drainStartedAt[0]).toBeLessThan(5_000 + 125);
    // At most one drain per 5 s: 12 a minute, each at least one people search of Bob's 50.
    expect(Math.floor(60_000 / (drainStartedAt[0] as number))).toBeLessThanOrEqual(12);
  });

  it("drains a storm of 3 s in one go, 250 ms after its last delivery", async () => {
    const { applier, drainStartedAt } = applierOver((ms) => {
      const n = Math.min(3_000, Math.floor(ms)) + 1;
      return { count: n, lastSeq: n };
    });
    await drainNow(applier);
    expect(drainStartedAt).toHaveLength(1);
    expect(drainStartedAt[0]).toBeGreaterThanOrEqual(3_000 + DEFAULT_SETTLE.quietMs);
    expect(drainStartedAt[0]).toBeLessThan(3_000 + DEFAULT_SETTLE.quietMs + 125);
  });

  it("applies a lone delivery after the quiet period, and does not wait when nothing is pending", async () => {
    const lone = applierOver(() => ({ count: 1, lastSeq: 7 }));
    await drainNow(lone.applier);
    expect(lone.drainStartedAt[0]).toBeGreaterThanOrEqual(DEFAULT_SETTLE.quietMs);
    expect(lone.drainStartedAt[0]).toBeLessThan(DEFAULT_SETTLE.quietMs + 125);

    const none = applierOver(() => ({ count: 0, lastSeq: 7 }));
    await drainNow(none.applier);
    expect(none.drainStartedAt).toEqual([0]);
  });
});
