import { describe, expect, it } from "vitest";
import { GroupCommit, type ItemOutcome } from "../../src/persistence/stores/group-commit.js";
import { deferred } from "../support/deferred.js";

/** A commit function whose calls the test releases by hand. */
function controlled<I>() {
  const calls: {
    items: readonly I[];
    release: (outcomes?: ItemOutcome<string>[]) => void;
    fail: (error: unknown) => void;
  }[] = [];
  const waiters: (() => void)[] = [];
  const commit = (items: readonly I[]): Promise<ItemOutcome<string>[]> => {
    const d = deferred<ItemOutcome<string>[]>();
    calls.push({
      items,
      release: (outcomes) =>
        d.resolve(outcomes ?? items.map((i) => ({ ok: true as const, value: `done:${String(i)}` }))),
      fail: (error) => d.reject(error),
    });
    for (const w of waiters.splice(0)) w();
    return d.promise;
  };
  const nextCall = async (n: number): Promise<void> => {
    while (calls.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { calls, commit, nextCall };
}

describe("GroupCommit", () => {
  it("commits a lone item at once, and items arriving meanwhile together in the next commit", async () => {
    const c = controlled<number>();
    const group = new GroupCommit(c.commit);
    const first = group.submit(1);
    await c.nextCall(1);
    expect(c.calls[0]?.items).toEqual([1]);
    const later = [group.submit(2), group.submit(3), group.submit(4)];
    await new Promise((r) => setImmediate(r));
    expect(c.calls).toHaveLength(1); // one commit at a time: 2, 3, 4 wait for it
    expect(group.waiting).toBe(3);
    c.calls[0]?.release();
    expect(await first).toBe("done:1");
    await c.nextCall(2);
    expect(c.calls[1]?.items).toEqual([2, 3, 4]);
    c.calls[1]?.release();
    expect(await Promise.all(later)).toEqual(["done:2", "done:3", "done:4"]);
  });

  it("settles each submitter with its own item's outcome", async () => {
    const c = controlled<string>();
    const group = new GroupCommit(c.commit);
    const blocker = group.submit("a");
    await c.nextCall(1);
    const results = ["ok", "bad", "ok2"].map((i) =>
      group.submit(i).then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    c.calls[0]?.release();
    await blocker;
    await c.nextCall(2);
    c.calls[1]?.release([
      { ok: true, value: "first" },
      { ok: false, error: new Error("refused: bad") },
      { ok: true, value: "third" },
    ]);
    expect(await Promise.all(results)).toEqual([{ v: "first" }, { e: "refused: bad" }, { v: "third" }]);
  });

  it("rejects every item of a commit that throws, and keeps committing later items", async () => {
    const c = controlled<number>();
    const group = new GroupCommit(c.commit);
    const a = group.submit(1).catch((e: Error) => e.message);
    await c.nextCall(1);
    c.calls[0]?.fail(new Error("database down"));
    expect(await a).toBe("database down");
    const b = group.submit(2);
    await c.nextCall(2);
    c.calls[1]?.release();
    expect(await b).toBe("done:2");
  });

  it("splits a queue longer than maxBatch, and runs up to maxInFlight commits at once", async () => {
    const c = controlled<number>();
    const group = new GroupCommit(c.commit, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => group.submit(i));
    await c.nextCall(1);
    expect(c.calls[0]?.items).toEqual([1, 2]);
    await c.nextCall(2); // a second commit starts while the first is still running
    expect(c.calls[1]?.items).toEqual([3, 4]);
    await new Promise((r) => setImmediate(r));
    expect(c.calls).toHaveLength(2);
    c.calls[1]?.release();
    await c.nextCall(3);
    expect(c.calls[2]?.items).toEqual([5]);
    c.calls[0]?.release();
    c.calls[2]?.release();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5].map((i) => `done:${i}`));
  });

  it("fails an item the commit returned no outcome for, instead of leaving it hanging", async () => {
    const group = new GroupCommit<number, string>(async () => [{ ok: true, value: "only one" }]);
    const [a, b] = [group.submit(1), group.submit(2).catch((e: Error) => e.message)];
    expect(await a).toBe("only one");
    expect(await b).toMatch(/no outcome/);
  });
});
