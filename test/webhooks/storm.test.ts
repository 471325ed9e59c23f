import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BobWebhookEvent } from "../../src/domain/webhooks/bob-event.js";
import { OrmDeliveryStore } from "../../src/persistence/stores/delivery-store.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { HOOK_SECRET, deliveries, post, settled, signedPost, v2Event } from "../support/webhook-harness.js";

const updated = (employeeId: string): BobWebhookEvent => ({
  type: "employee.updated",
  employeeIds: [employeeId],
  disposition: "FETCH",
});
const tableEntry = (employeeId: string): BobWebhookEvent => ({
  type: "table.entry.updated",
  employeeIds: [employeeId],
  disposition: "IGNORE",
});

/** Stores the hook secret without subscribing the simulator's emitter: only the test posts. */
async function setSecret(h: SyncHarness, secret: string): Promise<string> {
  const res = await h.gql<{ setHookSecret: { webhookUrl: string } }>(
    "mutation($s: String!) { setHookSecret(input: { secret: $s }) { webhookUrl } }",
    { s: secret },
  );
  return `${h.gw.url}/webhooks/bob/${res.setHookSecret.webhookUrl.split("/").at(-1)}`;
}

/** Runs `tasks` with at most `n` at a time. */
async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < tasks.length; i = next++) out[i] = await (tasks[i] as () => Promise<T>)();
    }),
  );
  return out;
}

describe("group commit of deliveries (the store, deliveries submitted together)", () => {
  let h: SyncHarness;
  let store: OrmDeliveryStore;
  const sql = <T>(text: string, params: unknown[] = []): Promise<T[]> =>
    h.gw.gateway.db.em().execute<T[]>(text, params);
  const jobs = async (): Promise<number> =>
    Number(
      (await sql<{ n: string | number }>("select count(*) as n from pgboss.job where name = 'webhook-apply'"))[0]?.n,
    );
  const rowsOf = (ids: string[]) =>
    sql<{
      id: string;
      company_id: string;
      status: string;
      body_hash: string | null;
      error: string | null;
      replays: number;
    }>(
      `select id, company_id, status, body_hash, error, replays from webhook_delivery where id in (${ids.map(() => "?").join(", ")})`,
      ids,
    );

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "group-a" });
    // A second company (created by its first token), not connected: its deliveries are stored all the same.
    await h.gw.gql("mutation { enableIntegration { status } }", {}, await h.gw.token("group-b", "SUPPORT"));
    store = new OrmDeliveryStore(h.gw.gateway.db, h.gw.gateway.jobs);
  });
  afterAll(async () => h?.close());

  it("gives every delivery of one commit its own outcome: originals, duplicates within the batch and of earlier batches, two companies, one job each", async () => {
    const at = new Date();
    const earlier = await store.accept("group-a", updated("e-0"), "hash-earlier", at);
    expect(earlier.duplicate).toBe(false);
    const jobsBefore = await jobs();

    // Submitted in the same tick: one group commit.
    const outcomes = await Promise.all([
      store.accept("group-a", updated("e-1"), "hash-1", at),
      store.accept("group-a", updated("e-2"), "hash-2", at),
      store.accept("group-a", updated("e-1"), "hash-1", at), // the same body again, in the same batch
      store.accept("group-a", updated("e-0"), "hash-earlier", at), // a body stored by an earlier commit
      store.accept("group-b", updated("e-9"), "hash-1", at), // same hash, other company: not a duplicate
      store.accept("group-b", tableEntry("e-9"), "hash-table", at), // ignored event: stored, no job
      store.accept("group-a", updated("e-1"), "hash-1", at),
    ]);
    expect(outcomes.map((o) => o.duplicate)).toEqual([false, false, true, true, false, false, true]);
    // A replay is answered with its first record's id: no row of its own.
    expect(outcomes.map((o) => o.id)).toEqual([
      outcomes[0]!.id,
      outcomes[1]!.id,
      outcomes[0]!.id,
      earlier.id,
      outcomes[4]!.id,
      outcomes[5]!.id,
      outcomes[0]!.id,
    ]);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(5);

    const rows = new Map((await rowsOf([...new Set(outcomes.map((o) => o.id))])).map((r) => [r.id, r]));
    expect(rows.size).toBe(5);
    outcomes.forEach((o, i) => {
      expect(rows.get(o.id)?.company_id).toBe(i === 4 || i === 5 ? "group-b" : "group-a");
      expect(rows.get(o.id)?.body_hash).not.toBeNull();
    });
    // Each replay counted on the first record: hash-1 twice in the batch, hash-earlier once.
    expect([outcomes[0], outcomes[1], outcomes[3], outcomes[4]].map((o) => rows.get(o!.id)?.replays)).toEqual([
      2, 0, 1, 0,
    ]);
    expect(rows.get(outcomes[5]!.id)?.status).toBe("IGNORED");
    // One webhook-apply job per company with new work in the batch, not one per delivery.
    expect((await jobs()) - jobsBefore).toBe(2);
    // Only one delivery per (company, body) can ever be applied.
    const applicable = await sql(
      "select id from webhook_delivery where company_id = 'group-a' and body_hash = 'hash-1' and status <> 'IGNORED'",
    );
    expect(applicable).toHaveLength(1);
  });

  it("makes a job only for a company with new work: a group of replays and ignored events makes none", async () => {
    const at = new Date();
    const before = await jobs();
    await store.accept("group-a", updated("r-1"), "hash-replayed", at);
    expect((await jobs()) - before).toBe(1);
    const again = await Promise.all([
      store.accept("group-a", updated("r-1"), "hash-replayed", at),
      store.accept("group-a", updated("r-1"), "hash-replayed", at),
      store.accept("group-b", tableEntry("r-9"), "hash-ignored-only", at),
    ]);
    expect(again.map((o) => o.duplicate)).toEqual([true, true, false]);
    expect((await jobs()) - before).toBe(1);
  });

  it("fails only the delivery the database refuses; the others of its batch are stored", async () => {
    const at = new Date();
    const results = await Promise.all(
      [
        store.accept("group-a", updated("p-1"), "poison-ok-1", at),
        store.accept("no-such-company", updated("p-2"), "poison-bad", at), // foreign key: refused
        store.accept("group-a", updated("p-3"), "poison-ok-2", at),
      ].map((p) =>
        p.then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        ),
      ),
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const stored = await rowsOf(results.flatMap((r) => (r.ok ? [r.v.id] : [])));
    expect(stored).toHaveLength(2);
    expect(await sql("select id from webhook_delivery where body_hash = 'poison-bad'")).toHaveLength(0);
  });
});

describe("a storm of signed deliveries through the route", () => {
  let h: SyncHarness;
  let url: string;
  let people: string[];
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "storm-co", sim: { peopleSearchPerMinute: 50 } });
    people = Array.from({ length: 30 }, (_, i) =>
      h.sim.company.createEmployee({
        "root.firstName": `Storm${i}`,
        "root.surname": `Before${i}`,
        "root.email": `storm${i}@acme.example`,
      }),
    );
    await h.syncAndWait();
    url = await setSecret(h, HOOK_SECRET);
  });
  afterAll(async () => h?.close());

  it("answers each of 300 concurrent deliveries on its own, and applies them with a few people searches", async () => {
    const jobsBefore = Number(
      (
        await h.gw.gateway.db
          .em()
          .execute<{ n: string }[]>("select count(*) as n from pgboss.job where name = 'webhook-apply'")
      )[0]?.n,
    );
    for (const [i, id] of people.entries()) h.sim.company.updateEmployee(id, { "root.surname": `After${i}` });
    h.sim.requests.clear();
    const bodies = Array.from({ length: 300 }, (_, i) =>
      v2Event("employee.updated", people[i % people.length] as string, {
        fieldUpdates: [{ fieldId: "root.surname" }],
        n: i,
      }),
    );
    const answers = await pool(
      24,
      bodies.map((body) => async () => {
        const res = await signedPost(url, body);
        return { status: res.status, body: (await res.json()) as { deliveryId: string; duplicate: boolean } };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 202));
    expect(new Set(answers.map((a) => a.body.deliveryId)).size).toBe(300);
    expect(answers.every((a) => a.body.duplicate === false)).toBe(true);

    const all = await settled(h);
    expect(all.filter((d) => d.eventType === "employee.updated").every((d) => d.status === "APPLIED")).toBe(true);
    for (const [i, id] of people.entries()) expect((await h.employee(id))?.lastName).toBe(`After${i}`);
    // 30 employees, 300 events: the burst is fetched together, not once per event.
    expect(h.sim.requests.count({ method: "POST", path: "/v1/people/search" })).toBeLessThanOrEqual(5);
    expect(h.sim.requests.count({ status: 429 })).toBe(0);
    const jobsAfter = Number(
      (
        await h.gw.gateway.db
          .em()
          .execute<{ n: string }[]>("select count(*) as n from pgboss.job where name = 'webhook-apply'")
      )[0]?.n,
    );
    expect(jobsAfter - jobsBefore).toBeLessThan(300);
  }, 120_000);

  it("accepts a delivery signed with a new secret at once, even right after the old secret verified one", async () => {
    const target = people[0] as string;
    expect((await signedPost(url, v2Event("employee.updated", target, { rotation: "before" }))).status).toBe(202);
    await setSecret(h, "a-brand-new-hook-secret");
    expect(
      (await signedPost(url, v2Event("employee.updated", target, { rotation: "after" }), "a-brand-new-hook-secret"))
        .status,
    ).toBe(202);
    expect(
      (await signedPost(url, v2Event("employee.updated", target, { rotation: "never" }), "a-secret-never-stored"))
        .status,
    ).toBe(401);
    await setSecret(h, HOOK_SECRET);
    await settled(h);
  });

  it("answers the same through Express when the body is chunked (no Content-Length), and echoes X-Request-Id", async () => {
    const body = v2Event("employee.updated", people[1] as string, { chunked: true });
    const { bobSignature } = await import("../../simulator/index.js");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(body);
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    const chunked = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "bob-signature": bobSignature(HOOK_SECRET, body) },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(202);
    expect(chunked.headers.get("x-request-id")).toBeTruthy();
    const fast = await post(url, v2Event("employee.updated", people[1] as string, { fast: true }), {
      "bob-signature": "wrong",
      "x-request-id": "req-storm-1",
    });
    expect(fast.status).toBe(401);
    expect(fast.headers.get("x-request-id")).toBe("req-storm-1");
    expect(fast.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await fast.json()).toEqual({ status: "refused", reason: "missing or invalid Bob-Signature" });
    await settled(h);
    expect((await deliveries(h)).filter((d) => d.status === "FAILED")).toEqual([]);
  });
});
