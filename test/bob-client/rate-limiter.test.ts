import { describe, expect, it } from "vitest";
import { BobRateLimiter, RateLimitWaitExceeded } from "../../src/bob/rate-limiter.js";
import { FakeClock, settle } from "./fake-clock.js";

describe("BobRateLimiter", () => {
  it("lets `limit` calls through per rolling minute and makes the rest wait, in order", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    const started: number[] = [];
    const calls = Array.from({ length: 5 }, (_, i) => limiter.acquire("k", 2).then(() => started.push(i)));
    await settle();
    expect(started).toEqual([0, 1]);
    await clock.advance(59_999);
    expect(started).toEqual([0, 1]);
    await clock.advance(1);
    expect(started).toEqual([0, 1, 2, 3]);
    await clock.advance(60_000);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    await Promise.all(calls);
  });

  it("uses a rolling window, not fixed minutes", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    await limiter.acquire("k", 2);
    await clock.advance(30_000);
    await limiter.acquire("k", 2);
    let third = false;
    const p = limiter.acquire("k", 2).then(() => (third = true));
    await clock.advance(29_999);
    expect(third).toBe(false);
    await clock.advance(1); // the first call is now a minute old
    expect(third).toBe(true);
    await p;
  });

  it("keeps separate budgets per key (credential + endpoint)", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    await limiter.acquire("a|people.search", 1);
    await limiter.acquire("b|people.search", 1);
    await limiter.acquire("a|company.fields", 1);
    expect(limiter.inWindow("a|people.search")).toBe(1);
  });

  it("fails fast, without taking a slot, when the slot would come after the deadline", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    await limiter.acquire("k", 1);
    await expect(limiter.acquire("k", 1, 10_000)).rejects.toBeInstanceOf(RateLimitWaitExceeded);
    expect(limiter.inWindow("k")).toBe(1);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it("a caller that gives up in the queue does not block or reorder those behind it", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    await limiter.acquire("k", 1);
    const order: string[] = [];
    const a = limiter.acquire("k", 1).then(() => order.push("a"));
    const impatient = limiter
      .acquire("k", 1, 5_000)
      .catch((e: unknown) => order.push(e instanceof RateLimitWaitExceeded ? "gave-up" : "?"));
    const c = limiter.acquire("k", 1).then(() => order.push("c"));
    await clock.advance(5_000);
    expect(order).toEqual(["gave-up"]);
    await clock.advance(55_000);
    expect(order).toEqual(["gave-up", "a"]);
    await clock.advance(60_000);
    expect(order).toEqual(["gave-up", "a", "c"]);
    await Promise.all([a, impatient, c]);
  });

  it("holds everyone off after a 429 until the time Bob asked for", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    limiter.holdOff("k", 3_000);
    let done = false;
    const p = limiter.acquire("k", 50).then(() => (done = true));
    await clock.advance(2_999);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
    await p;
  });
});

describe("BobRateLimiter lanes", () => {
  it("drops idle lanes (no call in the window, no hold-off, nobody waiting): the map does not grow with every credential seen", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    for (let i = 0; i < 100; i += 1) await limiter.acquire(`credential-${i}|people.search`, 50);
    expect(limiter.laneCount).toBe(100);
    await clock.advance(60_000);
    // The next call (a window later) sweeps: only its own lane is left.
    await limiter.acquire("fresh|people.search", 50);
    expect(limiter.laneCount).toBe(1);
    expect(limiter.inWindow("credential-0|people.search")).toBe(0);
  });

  it("keeps lanes that are still in use: calls in the window, a 429 hold-off, callers waiting", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    await limiter.acquire("recent", 50);
    limiter.holdOff("held", 200_000);
    await limiter.acquire("busy", 1);
    await clock.advance(30_000);
    let waiterDone = false;
    const waiter = limiter.acquire("busy", 1).then(() => (waiterDone = true));
    await limiter.acquire("recent", 50);
    await clock.advance(29_999);
    limiter.sweep();
    expect(limiter.laneCount).toBe(3);
    await clock.advance(1);
    expect(waiterDone).toBe(true);
    await waiter;
    await clock.advance(60_000);
    limiter.sweep();
    // "recent" and "busy" are idle now; "held" is still inside Bob's hold-off.
    expect(limiter.laneCount).toBe(1);
    await clock.advance(200_000);
    limiter.sweep();
    expect(limiter.laneCount).toBe(0);
  });

  it("a swept key starts again with a full budget", async () => {
    const clock = new FakeClock();
    const limiter = new BobRateLimiter({ clock });
    await limiter.acquire("k", 1);
    await clock.advance(60_000);
    limiter.sweep();
    expect(limiter.laneCount).toBe(0);
    await limiter.acquire("k", 1);
    expect(limiter.inWindow("k")).toBe(1);
  });
});
