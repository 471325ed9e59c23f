import { afterEach, describe, expect, it, vi } from "vitest";
import { Prefetches } from "../../src/domain/sync/run-prefetch.js";

describe("prefetches waiting for their run", () => {
  afterEach(() => vi.useRealTimers());

  it("hands over what was begun once, keeps one at a time, and drops what nobody takes in time", async () => {
    vi.useFakeTimers();
    const prefetches = new Prefetches<string>(1_000);
    let started = 0;
    prefetches.begin("a", async () => `a${++started}`);
    prefetches.begin("a", async () => `a${++started}`); // one is already waiting: not started again
    prefetches.begin("c", async () => `c${++started}`); // nor one for another company
    expect(started).toBe(1);
    expect(prefetches.take("c")).toBeNull();
    expect(await prefetches.take("a")).toBe("a1");
    expect(prefetches.take("a")).toBeNull();

    prefetches.begin("b", async () => "b");
    vi.advanceTimersByTime(1_001);
    expect(prefetches.take("b")).toBeNull();
  });

  it("turns a failed start into nothing waiting, so the run does the work itself", async () => {
    const prefetches = new Prefetches<string>();
    prefetches.begin("a", async () => {
      throw new Error("database down");
    });
    expect(await prefetches.take("a")).toBeNull();
  });
});
