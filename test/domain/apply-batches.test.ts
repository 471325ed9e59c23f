import { describe, expect, it } from "vitest";
import type { DirectoryBatch } from "../../src/domain/ports/directory-store.js";
import { applyBatches } from "../../src/domain/sync/apply-batches.js";
import { employee } from "./fixtures.js";
import { deferred, type Deferred } from "../support/deferred.js";

const deletes = (...ids: string[]): DirectoryBatch => ({ deletes: ids, updates: [], creates: [] });
const updates = (...ids: string[]): DirectoryBatch => ({
  deletes: [],
  updates: ids.map((id) => employee(id)),
  creates: [],
});
const creates = (...ids: string[]): DirectoryBatch => ({
  deletes: [],
  updates: [],
  creates: ids.map((id) => employee(id)),
});
const mixed = (update: string, create: string): DirectoryBatch => ({
  deletes: [],
  updates: [employee(update)],
  creates: [employee(create)],
});

/** An applier whose batches end when the test says; it records what is running when each starts. */
function controlledApplier() {
  const running = new Set<number>();
  const started: { index: number; alongside: number[] }[] = [];
  const pending = new Map<number, Deferred<void>>();
  const order = new Map<DirectoryBatch, number>();
  let next = 0;
  const apply = (batch: DirectoryBatch): Promise<void> => {
    const index = order.get(batch) ?? next++;
    order.set(batch, index);
    started.push({ index, alongside: [...running] });
    running.add(index);
    const done = deferred<void>();
    pending.set(index, done);
    return done.promise.finally(() => running.delete(index));
  };
  /** Lets the event loop turn a few times: whatever can start by then has started. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  const end = async (index: number, error?: Error) => {
    const d = pending.get(index);
    if (!d) throw new Error(`batch ${index} has not started`);
    if (error) d.reject(error);
    else d.resolve();
    await settle();
  };
  return { apply, started, end, settle, running };
}

describe("applyBatches", () => {
  it("overlaps batches of the same kind up to the limit, never more", async () => {
    const a = controlledApplier();
    const committed: number[] = [];
    const done = applyBatches([creates("1", "2"), creates("3"), creates("4"), creates("5")], a.apply, {
      concurrency: 2,
      onCommitted: (n) => committed.push(n),
    });
    await a.settle();
    expect(a.started.map((s) => s.index)).toEqual([0, 1]);
    await a.end(1);
    expect(a.started.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(a.started[2]?.alongside).toEqual([0]);
    await a.end(0);
    await a.end(2);
    await a.end(3);
    await done;
    expect(committed).toEqual([1, 2, 1, 1]);
    expect(Math.max(...a.started.map((s) => s.alongside.length))).toBe(1);
  });

  it("finishes every delete before an update starts, and every update before a create", async () => {
    const a = controlledApplier();
    const done = applyBatches(
      [deletes("9"), updates("1"), updates("2"), mixed("3", "4"), creates("5"), creates("6")],
      a.apply,
      { concurrency: 2, onCommitted: () => {} },
    );
    await a.settle();
    expect(a.started.map((s) => s.index)).toEqual([0]); // deletes run alone
    await a.end(0);
    expect(a.started.map((s) => s.index)).toEqual([0, 1, 2]); // the two update batches together
    await a.end(2);
    expect(a.started.map((s) => s.index)).toEqual([0, 1, 2]); // the mixed batch waits for both
    await a.end(1);
    expect(a.started.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(a.started[3]?.alongside).toEqual([]);
    await a.end(3);
    expect(a.started.slice(4).map((s) => [s.index, s.alongside])).toEqual([
      [4, []],
      [5, [4]],
    ]);
    await a.end(4);
    await a.end(5);
    await done;
  });

  it("starts nothing after a failure and rejects only once the batches already running have ended", async () => {
    const a = controlledApplier();
    const committed: number[] = [];
    let outcome: unknown = "pending";
    const done = applyBatches([creates("1"), creates("2"), creates("3")], a.apply, {
      concurrency: 2,
      onCommitted: (n) => committed.push(n),
    }).then(
      () => (outcome = "resolved"),
      (error: unknown) => (outcome = error),
    );
    await a.settle();
    const boom = new Error("connection lost");
    await a.end(0, boom);
    expect(outcome).toBe("pending"); // batch 1 is still writing
    expect(a.started.map((s) => s.index)).toEqual([0, 1]);
    await a.end(1);
    await done;
    expect(outcome).toBe(boom);
    expect(a.started.map((s) => s.index)).toEqual([0, 1]); // batch 2 never started
    expect(committed).toEqual([1]);
  });

  it("with a limit of 1 applies one batch at a time, in plan order", async () => {
    const a = controlledApplier();
    const done = applyBatches([creates("1"), creates("2"), creates("3")], a.apply, {
      concurrency: 1,
      onCommitted: () => {},
    });
    for (let i = 0; i < 3; i++) {
      await a.settle();
      expect(a.started.map((s) => s.index)).toEqual([...Array(i + 1).keys()]);
      expect(a.started[i]?.alongside).toEqual([]);
      await a.end(i);
    }
    await done;
  });
});
