import { describe, expect, it } from "vitest";
import { control, post, useSimulators } from "./helpers.js";

const start = useSimulators();

/** Polls a condition on the event loop (no fixed sleeps). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

describe("fault knobs", () => {
  it("fail5xxNext answers 500, 502, 503 then recovers", async () => {
    const sim = await start();
    sim.faults.set({ fail5xxNext: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(sim, "/people/search", {})).status);
    expect(statuses).toEqual([500, 502, 503, 200]);
  });

  it("burst429Next answers 429 with Retry-After 1", async () => {
    const sim = await start();
    sim.faults.set({ burst429Next: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await post(sim, "/people/search", {});
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(res.headers.get("x-ratelimit-reset")).not.toBeNull();
    }
    expect((await post(sim, "/people/search", {})).status).toBe(200);
  });

  it("malformedNext answers a body that is not JSON", async () => {
    const sim = await start({ employees: 3 });
    sim.faults.set({ malformedNext: 1 });
    const res = await post(sim, "/people/search", {});
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    await expect((await post(sim, "/people/search", {})).json()).resolves.toHaveProperty("employees");
  });

  it("truncatedNext cuts the body mid-way with an honest Content-Length", async () => {
    const sim = await start({ employees: 20 });
    const full = await (await post(sim, "/people/search", {})).text();
    sim.faults.set({ truncatedNext: 1 });
    const res = await post(sim, "/people/search", {});
    const text = await res.text();
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    expect(text.length).toBeLessThan(full.length);
    expect(full.startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("hangNext never answers until the simulator closes", async () => {
    const sim = await start();
    sim.faults.set({ hangNext: 1 });
    const hung = post(sim, "/people/search", {});
    const outcome = hung.then(
      () => "answered",
      () => "failed",
    );
    await until(() => sim.requests.count({ status: 0 }) === 1);
    // The server still answers others while one request hangs.
    expect((await post(sim, "/people/search", {})).status).toBe(200);
    await sim.close();
    expect(await outcome).toBe("failed");
  });

  it("refuseConnections drops API connections while the control API keeps working", async () => {
    const sim = await start();
    sim.faults.set({ refuseConnections: true });
    await expect(post(sim, "/people/search", {})).rejects.toThrow();
    expect((await control(sim, "DELETE", "/faults")).status).toBe(200);
    expect((await post(sim, "/people/search", {})).status).toBe(200);
  });

  it("latencyMs delays answers", async () => {
    const sim = await start();
    sim.faults.set({ latencyMs: 120 });
    const t0 = performance.now();
    expect((await post(sim, "/people/search", {})).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it("errorRate injects 5xx deterministically by seed", async () => {
    const run = async (): Promise<number[]> => {
      const sim = await start({ seed: 42 });
      sim.faults.set({ errorRate: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await post(sim, "/people/search", {})).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.some((s) => s >= 500)).toBe(true);
    expect(a.some((s) => s === 200)).toBe(true);
  });

  it("can be set and reset through the control API; invalid knobs are 400", async () => {
    const sim = await start();
    expect((await control(sim, "POST", "/faults", { fail5xxNext: 1 })).body["fail5xxNext"]).toBe(1);
    expect((await post(sim, "/people/search", {})).status).toBe(500);
    expect((await control(sim, "POST", "/faults", { errorRate: 2 })).status).toBe(400);
    expect((await control(sim, "POST", "/faults", { bogus: true })).status).toBe(400);
    sim.faults.set({ fail5xxNext: 5 });
    sim.faults.reset();
    expect((await post(sim, "/people/search", {})).status).toBe(200);
    expect(sim.requests.count({ path: "/v1/people/search", status: 500 })).toBe(1);
  });
});
