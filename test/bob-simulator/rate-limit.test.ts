import { describe, expect, it } from "vitest";
import { basicAuth, post, useSimulators, type Json } from "./helpers.js";

const start = useSimulators();

describe("people search rate limit", () => {
  it("answers 429 with rate headers past the budget, then recovers when the window moves", async () => {
    let now = 1_800_000_000_000;
    const sim = await start({ peopleSearchPerMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) {
      const ok = await post(sim, "/people/search", {});
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-ratelimit-limit")).toBe("3");
      expect(ok.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
    }
    // people/{id} shares the budget.
    const limited = await post(sim, "/people/123", {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("x-ratelimit-reset"))).toBe(Math.ceil((now + 60_000) / 1000));
    expect(Number(limited.headers.get("retry-after"))).toBe(60);
    expect(((await limited.json()) as Json)["key"]).toBeTypeOf("string");

    // Another credential has its own budget.
    const { id, token } = sim.credentials.serviceUser;
    expect((await post(sim, "/people/search", {}, basicAuth(id, token))).status).toBe(200);

    now += 60_001;
    expect((await post(sim, "/people/search", {})).status).toBe(200);
  });

  it("does not limit metadata endpoints", async () => {
    const sim = await start({ peopleSearchPerMinute: 1 });
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await fetch(`${sim.baseUrl}/company/people/fields`, {
            headers: { authorization: sim.credentials.accessToken },
          })
        ).status,
      ).toBe(200);
    }
  });

  it("retryAfterStyle reset-only and none drop the headers our client falls back from", async () => {
    const sim = await start({ peopleSearchPerMinute: 1 });
    await post(sim, "/people/search", {});
    sim.faults.set({ retryAfterStyle: "reset-only" });
    const resetOnly = await post(sim, "/people/search", {});
    expect(resetOnly.status).toBe(429);
    expect(resetOnly.headers.get("retry-after")).toBeNull();
    expect(resetOnly.headers.get("x-ratelimit-reset")).not.toBeNull();
    sim.faults.set({ retryAfterStyle: "none" });
    const none = await post(sim, "/people/search", {});
    expect(none.status).toBe(429);
    expect(none.headers.get("retry-after")).toBeNull();
    expect(none.headers.get("x-ratelimit-reset")).toBeNull();
  });
});
