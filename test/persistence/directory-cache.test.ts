import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmployeeRecord } from "../../src/domain/mapping/index.js";
import { fingerprintOf, withSourceFingerprint } from "../../src/domain/mapping/source-fingerprint.js";
import { DirectoryRecordCache } from "../../src/persistence/stores/directory-record-cache.js";
import { SqlDirectoryStore } from "../../src/persistence/stores/directory-store.js";
import { employee } from "../domain/fixtures.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/** A record as compared here: its fields and its source fingerprint. */
const view = (records: ReadonlyMap<string, EmployeeRecord>) =>
  [...records.values()]
    .map((r) => ({ ...r, fingerprint: fingerprintOf(r) }))
    .sort((a, b) => (a.bobId < b.bobId ? -1 : 1));

describe("SqlDirectoryStore.loadRecords: the directory kept between syncs", () => {
  let h: SyncHarness;
  let store: SqlDirectoryStore;
  /** Another gateway replica on the same database. */
  let replica: SqlDirectoryStore;
  /** What the database holds, read afresh every time. */
  let uncached: SqlDirectoryStore;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0 });
    store = new SqlDirectoryStore(h.gw.gateway.db);
    replica = new SqlDirectoryStore(h.gw.gateway.db);
    uncached = new SqlDirectoryStore(h.gw.gateway.db, { cachedEmployees: 0 });
  });
  afterAll(async () => h?.close());

  const byHand = (sql: string, params: unknown[]) => h.gw.gateway.db.query(h.gw.gateway.db.em(), sql, params);
  const reset = async (rows: EmployeeRecord[]) => {
    const current = await uncached.loadRecords(h.companyId);
    await store.applyBatch(h.companyId, { deletes: [...current.keys()], updates: [], creates: rows });
  };

  it("stores attribute values under their attributes' slots, and another process reads them back by attribute id", async () => {
    const attributes = (await byHand(`select id, slot from attribute where company_id = $1 order by slot limit 3`, [
      h.companyId,
    ])) as { id: string; slot: string | number }[];
    expect(attributes.length).toBe(3);
    const values = Object.fromEntries(attributes.map((a, i) => [a.id, `value ${i} "quoted"`]));
    await reset([employee("1", { attributes: values }), employee("2")]);
    const [row] = (await byHand(`select attributes from employee where company_id = $1 and bob_id = '1'`, [
      h.companyId,
    ])) as { attributes: unknown }[];
    const stored = typeof row!.attributes === "string" ? JSON.parse(row!.attributes) : row!.attributes;
    expect(stored).toEqual(Object.fromEntries(attributes.map((a, i) => [String(a.slot), `value ${i} "quoted"`])));
    // A store that never saw these slots (another replica's, or after a restart) reads ids again.
    const fresh = new SqlDirectoryStore(h.gw.gateway.db, { cachedEmployees: 0 });
    expect((await fresh.loadRecords(h.companyId)).get("1")?.attributes).toEqual(values);
    expect((await fresh.byBobIds(h.companyId, ["1"]))[0]?.attributes).toEqual(values);
    // An attribute id that is not an attribute is refused before anything is written.
    await expect(
      store.applyBatch(h.companyId, {
        deletes: ["2"],
        updates: [],
        creates: [employee("9", { attributes: { "00000000-0000-4000-8000-000000000099": "x" } })],
      }),
    ).rejects.toThrow(/does not exist/);
    expect([...(await fresh.loadRecords(h.companyId)).keys()].sort()).toEqual(["1", "2"]);
  });

  it("gives the kept records while nothing is written, and the database's after any write, by anyone", async () => {
    await reset([employee("1"), employee("2", { managerBobId: "1" }), employee("3")]);
    const first = await store.loadRecords(h.companyId);
    expect(await store.loadRecords(h.companyId)).toBe(first);

    await replica.applyBatch(h.companyId, {
      deletes: [],
      updates: [{ ...employee("2", { managerBobId: "1" }), lastName: "Changed" }],
      creates: [],
    });
    const afterReplica = await store.loadRecords(h.companyId);
    expect(afterReplica).not.toBe(first);
    expect(afterReplica.get("2")?.lastName).toBe("Changed");

    await byHand(`update employee set first_name = 'ByHand' where company_id = $1 and bob_id = '3'`, [h.companyId]);
    expect((await store.loadRecords(h.companyId)).get("3")?.firstName).toBe("ByHand");

    await byHand(`delete from employee where company_id = $1 and bob_id = '1'`, [h.companyId]);
    expect([...(await store.loadRecords(h.companyId)).keys()].sort()).toEqual(["2", "3"]);

    await store.applyBatch(h.companyId, {
      deletes: [],
      updates: [],
      creates: [],
      fingerprints: [{ bobId: "3", fingerprint: "new-source" }],
    });
    expect(fingerprintOf((await store.loadRecords(h.companyId)).get("3") as EmployeeRecord)).toBe("new-source");
  });

  it("moves the kept directory along with the batches this store commits, without reading it again", async () => {
    await reset([employee("1"), employee("2"), employee("3")]);
    const before = await store.loadRecords(h.companyId);
    const updated = withSourceFingerprint(employee("2", { lastName: "Moved" }), "f-2");
    const created = employee("4", { managerBobId: "2" });
    await store.applyBatch(h.companyId, { deletes: ["1"], updates: [updated], creates: [created] });
    const after = await store.loadRecords(h.companyId);
    // The very objects written: the kept directory was moved, not read back.
    expect(after.get("2")).toBe(updated);
    expect(after.get("4")).toBe(created);
    expect(after.get("3")).toBe(before.get("3"));
    expect([...before.keys()].sort()).toEqual(["1", "2", "3"]);
    expect(view(after)).toEqual(view(await uncached.loadRecords(h.companyId)));

    // New source fingerprints of records that stay as they are (Bob's bytes changed, not the record).
    await store.applyBatch(h.companyId, {
      deletes: [],
      updates: [],
      creates: [],
      fingerprints: [
        { bobId: "2", fingerprint: "f-2-again" },
        { bobId: "4", fingerprint: "f-4" },
      ],
    });
    const refreshed = await store.loadRecords(h.companyId);
    expect(refreshed.get("3")).toBe(before.get("3"));
    expect(fingerprintOf(refreshed.get("2") as EmployeeRecord)).toBe("f-2-again");
    expect(fingerprintOf(refreshed.get("4") as EmployeeRecord)).toBe("f-4");
    expect(fingerprintOf(updated)).toBe("f-2"); // a map already handed out keeps what it held
    expect(view(refreshed)).toEqual(view(await uncached.loadRecords(h.companyId)));
  });

  it("property: after any sequence of writes, from this replica, another one or SQL by hand, it reads what the database holds", async () => {
    const ids = ["1", "2", "3", "4", "5"];
    const write = fc.oneof(
      // Deletes, updates and creates in one batch: each kind moves the version once.
      fc.record({
        kind: fc.constant("batch" as const),
        by: fc.constantFrom("store", "replica"),
        upserts: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 3 }),
        deletes: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 2 }),
        lastName: fc.constantFrom("Lee", "Doe", "Kim"),
        fingerprint: fc.option(fc.constantFrom("f1", "f2"), { nil: null }),
        // New source fingerprints of others, stored in the batch's transaction (a resync's last batch).
        refreshed: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 2 }),
      }),
      fc.record({
        kind: fc.constant("delete" as const),
        by: fc.constantFrom("store", "replica"),
        id: fc.constantFrom(...ids),
      }),
      // Two batches of this store committing at once (the runner applies two at a time on PostgreSQL).
      fc.record({
        kind: fc.constant("concurrent" as const),
        ids: fc.uniqueArray(fc.constantFrom(...ids), { minLength: 2, maxLength: 2 }),
        lastName: fc.constantFrom("Lee", "Doe", "Kim"),
      }),
      fc.record({
        kind: fc.constant("sql" as const),
        id: fc.constantFrom(...ids),
        firstName: fc.constantFrom("A", "B"),
      }),
      fc.record({
        kind: fc.constant("fingerprint" as const),
        by: fc.constantFrom("store", "replica"),
        ids: fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 3 }),
        fingerprint: fc.constantFrom("f3", "f4"),
      }),
      fc.constant({ kind: "read" as const }),
    );
    const cases = fc.sample(fc.array(write, { minLength: 1, maxLength: 12 }), { numRuns: 30, seed: 20261130 });
    for (const writes of cases) {
      await reset([]);
      for (const w of writes) {
        if (w.kind === "batch") {
          const stored = await uncached.loadRecords(h.companyId);
          const upserts = w.upserts
            .filter((id) => !w.deletes.includes(id))
            .map((id) =>
              w.fingerprint === null
                ? employee(id, { lastName: w.lastName })
                : withSourceFingerprint(employee(id, { lastName: w.lastName }), w.fingerprint),
            );
          const refreshed = w.refreshed.filter((id) => !w.upserts.includes(id) && !w.deletes.includes(id));
          await (w.by === "store" ? store : replica).applyBatch(h.companyId, {
            deletes: w.deletes,
            updates: upserts.filter((r) => stored.has(r.bobId)),
            creates: upserts.filter((r) => !stored.has(r.bobId)),
            ...(refreshed.length > 0
              ? { fingerprints: refreshed.map((bobId) => ({ bobId, fingerprint: `r-${w.lastName}-${bobId}` })) }
              : {}),
          });
        } else if (w.kind === "delete") {
          await (w.by === "store" ? store : replica).applyBatch(h.companyId, {
            deletes: [w.id],
            updates: [],
            creates: [],
          });
        } else if (w.kind === "concurrent") {
          const stored = await uncached.loadRecords(h.companyId);
          await Promise.all(
            w.ids.map((id) => {
              const record = withSourceFingerprint(employee(id, { lastName: w.lastName }), `f-${id}`);
              return store.applyBatch(h.companyId, {
                deletes: [],
                updates: stored.has(id) ? [record] : [],
                creates: stored.has(id) ? [] : [record],
              });
            }),
          );
        } else if (w.kind === "sql") {
          await byHand(`update employee set first_name = $2 where company_id = $1 and bob_id = $3`, [
            h.companyId,
            w.firstName,
            w.id,
          ]);
        } else if (w.kind === "fingerprint") {
          await (w.by === "store" ? store : replica).applyBatch(h.companyId, {
            deletes: [],
            updates: [],
            creates: [],
            fingerprints: w.ids.map((bobId) => ({ bobId, fingerprint: `${w.fingerprint}-${bobId}` })),
          });
        }
        expect(view(await store.loadRecords(h.companyId)), JSON.stringify(writes)).toEqual(
          view(await uncached.loadRecords(h.companyId)),
        );
      }
    }
  });
});

describe("DirectoryRecordCache", () => {
  const records = (n: number) => new Map(Array.from({ length: n }, (_, i) => [String(i), employee(String(i))]));

  it("hits only at the version it kept, and forgets a company whose version moved", () => {
    const cache = new DirectoryRecordCache(100);
    const kept = records(3);
    cache.set("a", "7", kept);
    expect(cache.get("a", "7")).toBe(kept);
    expect(cache.get("a", "8")).toBeNull();
    expect(cache.get("a", "7")).toBeNull();
    expect(cache.employees).toBe(0);
  });

  it("drops the least recently used companies beyond its limit, and keeps no company larger than it", () => {
    const cache = new DirectoryRecordCache(10);
    cache.set("a", "1", records(4));
    cache.set("b", "1", records(4));
    expect(cache.get("a", "1")).not.toBeNull(); // a is now the most recently used
    cache.set("c", "1", records(4));
    expect(cache.get("b", "1")).toBeNull();
    expect(cache.get("a", "1")).not.toBeNull();
    expect(cache.get("c", "1")).not.toBeNull();
    expect(cache.employees).toBe(8);
    cache.set("d", "1", records(11));
    expect(cache.get("d", "1")).toBeNull();
    expect(cache.employees).toBe(8);
    cache.set("a", "2", records(11)); // a grew beyond the limit: its old directory goes too
    expect(cache.get("a", "1")).toBeNull();
    expect(cache.employees).toBe(4);
  });

  it("moves kept records along with a batch committed from exactly their version, and only then", () => {
    const cache = new DirectoryRecordCache(100);
    const kept = records(3);
    cache.set("a", "7", kept);
    cache.patch("a", "6", "9", { deletes: ["0"], updates: [], creates: [] }); // from another version: ignored
    expect(cache.get("a", "7")).toBe(kept);
    cache.patch("a", "7", "9", {
      deletes: ["0"],
      updates: [employee("1", { lastName: "New" })],
      creates: [employee("5")],
    });
    cache.patch("a", "9", "10", { deletes: ["5"], updates: [], creates: [employee("6")] });
    expect(cache.get("a", "7")).toBeNull(); // the kept version moved on
    cache.set("a", "7", kept);
    cache.patch("a", "7", "9", {
      deletes: ["0"],
      updates: [employee("1", { lastName: "New" })],
      creates: [employee("5")],
    });
    const moved = cache.get("a", "9");
    expect([...(moved ?? new Map()).keys()].sort()).toEqual(["1", "2", "5"]);
    expect(moved?.get("1")?.lastName).toBe("New");
    expect([...kept.keys()].sort()).toEqual(["0", "1", "2"]); // what was handed out is never changed
    expect(cache.employees).toBe(3);
  });

  it("forgets a company a batch would take beyond the limit", () => {
    const cache = new DirectoryRecordCache(4);
    cache.set("a", "1", records(3));
    cache.patch("a", "1", "2", { deletes: [], updates: [], creates: [employee("7"), employee("8")] });
    expect(cache.get("a", "2")).toBeNull();
    expect(cache.employees).toBe(0);
  });

  it("keeps nothing with a limit of 0", () => {
    const cache = new DirectoryRecordCache(0);
    cache.set("a", "1", records(1));
    expect(cache.get("a", "1")).toBeNull();
  });
});
