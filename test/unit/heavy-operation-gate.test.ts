import { describe, expect, it } from "vitest";
import { HeavyOperationGate } from "../../src/graphql/heavy-operation-gate.js";

describe("HeavyOperationGate", () => {
  it("lets at most `atOnce` heavy operations execute, the others in arrival order as places free up", async () => {
    const gate = new HeavyOperationGate(100, 2);
    expect([gate.isHeavy(99), gate.isHeavy(100)]).toEqual([false, true]);
    const order: string[] = [];
    const enter = (name: string) => gate.enter().then(() => void order.push(name));
    await Promise.all([enter("a"), enter("b")]);
    const waiting = [enter("c"), enter("d"), enter("e")];
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["a", "b"]); // full: c, d and e wait
    gate.leave();
    await waiting[0];
    expect(order).toEqual(["a", "b", "c"]);
    gate.leave();
    gate.leave();
    await Promise.all(waiting);
    expect(order).toEqual(["a", "b", "c", "d", "e"]);
    // Two inside (d, e); both leave, and the next two enter at once.
    gate.leave();
    gate.leave();
    await Promise.all([enter("f"), enter("g")]);
    expect(order.slice(-2)).toEqual(["f", "g"]);
  });
});
