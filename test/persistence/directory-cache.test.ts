import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmployeeRecord } from "../../src/domain/sync/index.js";
import { fingerprintOf, withSourceFingerprint } from "../../src/domain/sync/source-fingerprint.js";
import { DirectoryRecordCache } from "../../src/persistence/stores/directory-record-cache.js";
import { SqlDirectoryStore } from "../../src/persistence/stores/directory-store.js";
import { employee } from "../domain/fixtures.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/** A record as compared here: its fields and its source fingerprint. */
const view = (records: ReadonlyMap<string, EmployeeRecord>) =>
  [...records.values()].map((r) => ({ ...r, fingerprint: fingerprintOf(r) })).sort((a, b) => (a.bobId < b.bobId ? -1 : 1));

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

  it("gives the kept records while nothing is written, and the database's after any write, by anyone", async () => {
    await reset([employee("1"), employee("2", { managerBobId: "1" }), employee("3")]);
    const first = await store.loadRecords(h.companyId);
    expect(await store.loadRecords(h.companyId)).toBe(first);

    await replica.applyBatch(h.companyId, { deletes: [], updates: [{ ...employee("2", { managerBobId: "1" }), lastName: "Changed" }], creates: [] });
    const afterReplica = await store.loadRecords(h.companyId);
    expect(afterReplica).not.toBe(first);
    expect(afterReplica.get("2")?.lastName).toBe("Changed");

    await byHand(`update employee set first_name = 'ByHand' where company_id = $1 and bob_id = '3'`, [h.companyId]);
    expect((await store.loadRecords(h.companyId)).get("3")?.firstName).toBe("ByHand");

    await byHand(`delete from employee where company_id = $1 and bob_id = '1'`, [h.companyId]);
    expect([...(await store.loadRecords(h.companyId)).keys()].sort()).toEqual(["2", "3"]);

    await store.recordSourceFingerprints(h.companyId, [{ bobId: "3", fingerprint: "new-source" }]);
    expect(fingerprintOf((await store.loadRecords(h.companyId)).get("3") as EmployeeRecord)).toBe("new-source");
  });

  it("property: after any sequence of writes, from this replica, another one or SQL by hand, it reads what the database holds", async () => {
    const ids = ["1", "2", "3", "4", "5"];
    const write = fc.oneof(
      fc.record({ kind: fc.constant("upsert" as const), by: fc.constantFrom("store", "replica"), id: fc.constantFrom(...ids), lastName: fc.constantFrom("Lee", "Doe", "Kim"), fingerprint: fc.option(fc.constantFrom("f1", "f2"), { nil: null }) }),
      fc.record({ kind: fc.constant("delete" as const), by: fc.constantFrom("store", "replica"), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant("sql" as const), id: fc.constantFrom(...ids), firstName: fc.constantFrom("A", "B") }),
      fc.record({ kind: fc.constant("fingerprint" as const), id: fc.constantFrom(...ids), fingerprint: fc.constantFrom("f3", "f4") }),
      fc.constant({ kind: "read" as const }),
    );
    const cases = fc.sample(fc.array(write, { minLength: 1, maxLength: 12 }), { numRuns: 25, seed: 20261130 });
    for (const writes of cases) {
      await reset([]);
      for (const w of writes) {
        if (w.kind === "upsert") {
          const record = w.fingerprint === null ? employee(w.id, { lastName: w.lastName }) : withSourceFingerprint(employee(w.id, { lastName: w.lastName }), w.fingerprint);
          const exists = (await uncached.loadRecords(h.companyId)).has(w.id);
          await (w.by === "store" ? store : replica).applyBatch(h.companyId, { deletes: [], updates: exists ? [record] : [], creates: exists ? [] : [record] });
        } else if (w.kind === "delete") {
          await (w.by === "store" ? store : replica).applyBatch(h.companyId, { deletes: [w.id], updates: [], creates: [] });
        } else if (w.kind === "sql") {
          await byHand(`update employee set first_name = $2 where company_id = $1 and bob_id = $3`, [h.companyId, w.firstName, w.id]);
        } else if (w.kind === "fingerprint") {
          await replica.recordSourceFingerprints(h.companyId, [{ bobId: w.id, fingerprint: w.fingerprint }]);
        }
        expect(view(await store.loadRecords(h.companyId)), JSON.stringify(writes)).toEqual(view(await uncached.loadRecords(h.companyId)));
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

  it("keeps nothing with a limit of 0", () => {
    const cache = new DirectoryRecordCache(0);
    cache.set("a", "1", records(1));
    expect(cache.get("a", "1")).toBeNull();
  });
});
