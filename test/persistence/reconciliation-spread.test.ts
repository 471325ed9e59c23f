import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrmCompanyStore } from "../../src/persistence/stores/company-store.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const COMPANIES = 240;
const HOUR = 3_600_000;
const TICK = 5 * 60_000; // the reconcile schedule's period
const START = new Date("2026-06-15T00:00:00Z");

/**
 * Reconciliation spreads companies over their interval: 240 companies on a 24-hour interval, all
 * last synced at the same moment, are due one slot each, at offsets fixed by their ids, instead
 * of all at the same tick. One statement per tick whatever the number of companies.
 */
describe("scheduled reconciliation, spread over the interval", () => {
  let h: SyncHarness;
  let store: OrmCompanyStore;
  let statements = 0;
  const sql = (text: string, params: unknown[] = []) => h.gw.gateway.db.query(null, text, params);

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "spread-home", onQuery: () => void statements++ });
    await sql(
      `insert into company (id, created_at, integration_enabled, reconcile_every_hours, time_zone)
       select 'spread-' || g, now(), true, 24, 'UTC' from generate_series(1, $1::int) g`,
      [COMPANIES],
    );
    await sql(
      `insert into bob_connection (company_id, webhook_key, credential_kind, credential_ciphertext) select id, md5(id), 'ACCESS_TOKEN', 'sealed' from company where id like 'spread-%' and id <> 'spread-home'`,
    );
    // Every one synced at START (a migration day, say): without spreading all would be due together.
    await sql(
      `insert into sync_run (id, company_id, trigger, status, phase, queued_at)
       select gen_random_uuid(), id, 'MANUAL', 'SUCCEEDED', 'DONE', $1::timestamptz from company where id like 'spread-%' and id <> 'spread-home'`,
      [START],
    );
    store = new OrmCompanyStore(h.gw.gateway.db, null as never);
  });
  afterAll(async () => h?.close());

  it("makes each company due once a day, at its own time, spread evenly over the day", async () => {
    const dueAt = new Map<string, number[]>();
    const perTick: number[] = [];
    // A day of ticks, each queuing what is due (a queued run is what the scheduler records).
    for (let t = START.getTime() + TICK; t <= START.getTime() + 24 * HOUR; t += TICK) {
      const due = await store.dueForReconciliation(new Date(t));
      perTick.push(due.length);
      for (const id of due) {
        dueAt.set(id, [...(dueAt.get(id) ?? []), t]);
        await sql(
          `insert into sync_run (id, company_id, trigger, status, phase, queued_at) values (gen_random_uuid(), $1, 'SCHEDULED', 'SUCCEEDED', 'DONE', $2::timestamptz)`,
          [id, new Date(t)],
        );
      }
    }
    expect(dueAt.size).toBe(COMPANIES);
    expect([...dueAt.values()].every((times) => times.length === 1)).toBe(true);
    // 288 ticks for 240 companies: never a crowd (all 240 at once before).
    expect(Math.max(...perTick)).toBeLessThanOrEqual(6);
    // Every 6-hour quarter of the day starts a fair share (60 expected).
    const quarters = [0, 0, 0, 0];
    for (const [time] of dueAt.values())
      quarters[Math.min(3, Math.floor(((time as number) - START.getTime() - 1) / (6 * HOUR)))]! += 1;
    for (const q of quarters) expect(q).toBeGreaterThan(35);
    // The next day, at the same offsets again.
    const next = await store.dueForReconciliation(new Date(START.getTime() + 48 * HOUR));
    expect(next).toHaveLength(COMPANIES);
  });

  it("asks one statement per tick, whatever the number of companies", async () => {
    statements = 0;
    await store.dueForReconciliation(new Date(START.getTime() + 24 * HOUR + TICK));
    expect(statements).toBe(1);
  });
});
