import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { control, startReceiver, useSimulators, type Json, type Receiver } from "./helpers.js";

const start = useSimulators();
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

function verify(secret: string, body: string, signature: string): boolean {
  const expected = createHmac("sha512", secret).update(Buffer.from(body, "utf8")).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("webhooks", () => {
  it("sends signed v2 thin events for control mutations", async () => {
    const sim = await start({ employees: 10 });
    const r = await receiver();
    sim.webhooks.subscribe({ url: r.url, secret: "s3cret", events: ["employee.created", "employee.updated"] });
    const id = sim.company.createEmployee({
      "root.firstName": "Ada",
      "root.surname": "Lovelace",
      "root.email": "ada@acme.example",
    });
    sim.company.updateEmployee(id, { "root.firstName": "Augusta" });
    await sim.webhooks.idle();
    expect(r.received).toHaveLength(2);
    for (const msg of r.received) {
      expect(msg.headers["content-type"]).toBe("application/json");
      expect(verify("s3cret", msg.body, String(msg.headers["bob-signature"]))).toBe(true);
      expect(verify("other", msg.body, String(msg.headers["bob-signature"]))).toBe(false);
    }
    const [created, updated] = r.received.map((m) => JSON.parse(m.body) as Json);
    expect(created).toMatchObject({
      companyId: sim.company.companyId,
      type: "employee.created",
      version: "v2",
      data: { employeeId: id },
    });
    expect(created!["triggeredAt"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(typeof created!["triggeredBy"]).toBe("string");
    expect(updated!["data"]).toEqual({ employeeId: id, fieldUpdates: [{ fieldId: "root.firstName" }] });
  });

  it("fieldUpdates can be plain strings", async () => {
    const sim = await start({ employees: 5, webhooks: { fieldUpdatesStyle: "strings" } });
    const r = await receiver();
    sim.webhooks.subscribe({ url: r.url, secret: "x", events: ["employee.updated"] });
    const e = sim.company.employees()[1]!;
    sim.company.updateEmployee(e.id, { "root.surname": "Changed" });
    await sim.webhooks.idle();
    expect((JSON.parse(r.received[0]!.body) as Json)["data"]["fieldUpdates"]).toEqual(["root.surname"]);
  });

  it("ping sends plain 'Ping test', then falls back to JSON", async () => {
    const sim = await start();
    const r = await receiver();
    sim.webhooks.subscribe({ url: r.url, secret: "x" });
    r.statuses.push(400);
    const result = await sim.webhooks.ping();
    expect(result.ok).toBe(true);
    expect(r.received.map((m) => m.body)).toEqual(["Ping test", '{"text":"Ping test"}']);
    expect(result.attempts.map((a) => a.status)).toEqual([400, 200]);
  });

  it("retries with backoff on 500 and then succeeds, same bytes and signature each time", async () => {
    const sim = await start({ webhooks: { retryBaseMs: 20, maxAttempts: 5 } });
    const r = await receiver();
    sim.webhooks.subscribe({ url: r.url, secret: "k" });
    r.statuses.push(500, 503);
    sim.webhooks.emit({ type: "employee.deleted", data: { employeeId: "1" } });
    await sim.webhooks.idle();
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((m) => m.body)).size).toBe(1);
    expect(new Set(r.received.map((m) => m.headers["bob-signature"])).size).toBe(1);
    expect(sim.webhooks.deliveries[0]).toMatchObject({ attempts: 3, lastStatus: 200, state: "delivered" });
  });

  it("keeps order per subscriber while retrying, and gives up after maxAttempts", async () => {
    const sim = await start({ webhooks: { retryBaseMs: 10, maxAttempts: 2 } });
    const r = await receiver();
    sim.webhooks.subscribe({ url: r.url, secret: "k" });
    r.statuses.push(500, 500, 500);
    for (let i = 1; i <= 4; i++) sim.webhooks.emit({ type: "test", n: i });
    await sim.webhooks.idle();
    const order = r.received.map((m) => (JSON.parse(m.body) as Json)["n"]);
    expect(order).toEqual([1, 1, 2, 2, 3, 4]);
    expect(sim.webhooks.deliveries.map((d) => d.state)).toEqual(["failed", "delivered", "delivered", "delivered"]);
  });

  it("records network errors and sends arbitrary (legacy or malformed) bodies as given", async () => {
    const sim = await start({ webhooks: { retryBaseMs: 5, maxAttempts: 2 } });
    const dead = await receiver();
    const deadUrl = dead.url;
    await dead.close();
    receivers.splice(receivers.indexOf(dead), 1);
    sim.webhooks.subscribe({ url: deadUrl, secret: "k" });
    sim.webhooks.emit("{not json");
    await sim.webhooks.idle();
    expect(sim.webhooks.deliveries[0]).toMatchObject({
      body: "{not json",
      attempts: 2,
      lastStatus: null,
      state: "failed",
    });
    expect(sim.webhooks.deliveries[0]!.lastError).toBeTruthy();
  });

  it("emits lifecycle events for terminate, reinstate, delete and moving today", async () => {
    const sim = await start({ employees: 60, seed: 3 });
    const r = await receiver();
    sim.webhooks.subscribe({ url: r.url, secret: "k" });
    const types = (): string[] => r.received.map((m) => (JSON.parse(m.body) as Json)["type"] as string);
    const e = sim.company
      .employees()
      .find((x) => x.lifecycleStatus === "employed" && x.values["internal.terminationDate"] === null)!;

    sim.company.terminateEmployee(e.id, { terminationDate: "2026-01-10", terminationReason: "Resignation" });
    await sim.webhooks.idle();
    expect(types()).toEqual(["table.entry.created", "employee.updated", "employee.left", "employee.inactivated"]);

    r.received.length = 0;
    sim.company.reinstateEmployee(e.id);
    await sim.webhooks.idle();
    expect(types()).toEqual(["table.entry.created", "employee.updated", "employee.activated"]);

    r.received.length = 0;
    const hire = sim.company.scenarios.futureHires[0]!;
    const startDate = sim.company.employee(hire)!.values["work.startDate"] as string;
    sim.company.setToday(startDate);
    await sim.webhooks.idle();
    const joined = r.received
      .map((m) => JSON.parse(m.body) as Json)
      .find((m) => m["type"] === "employee.joined" && m["data"]["employeeId"] === hire);
    expect(joined).toMatchObject({ triggeredBy: "system", data: { effectiveDate: startDate } });

    r.received.length = 0;
    sim.company.deleteEmployee(e.id);
    await sim.webhooks.idle();
    expect(types()).toEqual(["employee.deleted"]);
  });

  it("is driven by the control API too", async () => {
    const sim = await start({ webhooks: { retryBaseMs: 5 } });
    const r = await receiver();
    const sub = await control(sim, "POST", "/webhooks/subscriptions", { url: r.url, secret: "k" });
    expect(sub.status).toBe(201);
    expect((await control(sim, "POST", "/webhooks/ping", {})).body["ok"]).toBe(true);
    await control(sim, "POST", "/webhooks/emit", { event: { type: "employee.created", data: { employeeId: "9" } } });
    await control(sim, "GET", "/webhooks/idle");
    const deliveries = (await control(sim, "GET", "/webhooks/deliveries")).body as unknown as Json[];
    expect(deliveries[0]).toMatchObject({ type: "employee.created", state: "delivered" });
  });
});
