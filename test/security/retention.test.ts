import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETENTION_CRON } from "../../src/jobs/job-queue.js";
import { startSyncHarness, TODAY, type SyncHarness } from "../support/sync-harness.js";

/**
 * Issue 23, item 6: runs (with their issues and change pages), webhook deliveries and employee
 * history were kept forever. Now a daily job deletes what is older than RETENTION_DAYS, in bounded batches, and
 * never a run still RUNNING/HELD, a company's newest run, or a delivery not applied yet.
 * Old rows are made by running real syncs at "today" and inserting more with the same
 * timestamps; then the test clock moves 100 days ahead (RETENTION_DAYS = 90).
 */
const BATCH = 3;
const DAY = 86_400_000;
const OLD = new Date(`${TODAY}T12:00:00Z`);

let h: SyncHarness;
const deletes: string[] = [];

beforeAll(async () => {
  h = await startSyncHarness({
    employees: 4,
    companyId: "retention-co",
    config: { retentionDays: 90 },
    // The after-start run is pushed out of the way: the test triggers the job itself.
    gateway: { retentionBatchRows: BATCH, jobs: { retentionStartDelaySeconds: 3600 } },
    onQuery: (sql) => {
      const m = /^with gone as \(delete from (\w+)/.exec(sql);
      if (m) deletes.push(m[1] as string);
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const sql = <R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> =>
  h.gw.gateway.db.query<R>(null, text, params);
const count = async (text: string, params: unknown[] = []): Promise<number> =>
  Number((await sql<{ n: number }>(`select count(*)::int as n ${text}`, params))[0]?.n);

async function insertRun(
  companyId: string,
  status: string,
  at: Date,
  opts: { issues?: number; pages?: number; dryRun?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into sync_run (id, company_id, trigger, dry_run, status, phase, queued_at, started_at, finished_at) values ($1, $2, 'MANUAL', $3, $4, 'DONE', $5, $5, $5)`,
    [id, companyId, opts.dryRun ?? false, status, at],
  );
  for (let i = 0; i < (opts.issues ?? 0); i += 1)
    await sql(`insert into sync_issue (run_id, seq, code, message) values ($1, $2, 'MISSING_EMAIL', 'no email')`, [
      id,
      i,
    ]);
  for (let i = 0; i < (opts.pages ?? 0); i += 1)
    await sql(`insert into sync_change_page (run_id, page, changes) values ($1, $2, '[]')`, [id, i]);
  return id;
}

async function insertDelivery(companyId: string, status: string, at: Date): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into webhook_delivery (id, company_id, received_at, event_type, employee_ids, status) values ($1, $2, $3, 'employee.updated', '[]'::jsonb, $4)`,
    [id, companyId, at, status],
  );
  return id;
}

describe("retention (RETENTION_DAYS)", () => {
  it("deletes old runs with their issues and change pages, and old finished deliveries, in batches; keeps the rest", async () => {
    // A real sync at "today": a run with change pages (4 creates), written by the gateway itself.
    const firstReal = await h.syncAndWait();
    expect(firstReal.status).toBe("SUCCEEDED");
    expect(await count("from sync_change_page where run_id = $1", [firstReal.id])).toBeGreaterThan(0);

    const oldRuns = [];
    for (const status of ["SUCCEEDED", "FAILED", "PARTIAL", "SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED"])
      oldRuns.push(await insertRun("retention-co", status, OLD, { issues: 2, pages: 1 }));
    const held = await insertRun("retention-co", "HELD", OLD, { issues: 1, pages: 1 });
    const running = await insertRun("retention-co", "RUNNING", OLD, { dryRun: true, issues: 1 });

    // Another company whose only runs are old: its newest stays (the integration shows its last sync).
    await h.gw.gql("mutation { enableIntegration { status } }", {}, await h.gw.token("quiet-co", "SUPPORT"));
    const quietOld = await insertRun("quiet-co", "SUCCEEDED", new Date(OLD.getTime() - 400 * DAY), { issues: 1 });
    const quietNewest = await insertRun("quiet-co", "FAILED", new Date(OLD.getTime() - 300 * DAY), {
      issues: 2,
      pages: 1,
    });

    // 100 days later: a recent real sync (the newest run of retention-co) and recent deliveries.
    h.clock.set(new Date(OLD.getTime() + 100 * DAY));
    const recentReal = await h.syncAndWait();
    const now = h.clock.now();
    const oldDeliveries = [];
    for (const status of ["APPLIED", "SKIPPED", "FAILED", "IGNORED", "APPLIED", "APPLIED", "APPLIED"])
      oldDeliveries.push(await insertDelivery("retention-co", status, OLD));
    const pending = [
      await insertDelivery("retention-co", "ACCEPTED", OLD),
      await insertDelivery("quiet-co", "ACCEPTED", OLD),
    ];
    const recentDeliveries = [
      await insertDelivery("retention-co", "APPLIED", now),
      await insertDelivery("retention-co", "ACCEPTED", now),
      await insertDelivery("quiet-co", "SKIPPED", new Date(now.getTime() - 89 * DAY)),
    ];

    // Bob rate-limit lanes (shared across replicas on PostgreSQL): one unused since before the cutoff goes.
    const ms = (d: Date) => d.getTime();
    await sql(
      `insert into bob_rate_lane (key, stamps, paused_until) values ('stale|people.search', array[$1::bigint], 0), ('held|people.search', array[$1::bigint], $2::bigint), ('fresh|people.search', array[$2::bigint], 0)`,
      [ms(OLD), ms(now)],
    );

    const issuesBefore = await count("from sync_issue where run_id = any($1::uuid[])", [
      [...oldRuns, firstReal.id, quietOld],
    ]);
    // Employee.history through the read cache (the same query twice): the creations, until pruned.
    const HISTORY = "{ employees(first: 10) { edges { node { bobId history { edges { node { action } } } } } } }";
    const actions = async () =>
      (
        await h.gql<{ employees: { edges: { node: { history: { edges: { node: { action: string } }[] } } }[] } }>(
          HISTORY,
        )
      ).employees.edges.flatMap((e) => e.node.history.edges.map((x) => x.node.action));
    expect(await actions()).toEqual(["CREATE", "CREATE", "CREATE", "CREATE"]);
    expect(await actions()).toEqual(["CREATE", "CREATE", "CREATE", "CREATE"]);
    deletes.length = 0;
    const report = await h.gw.gateway.retention.purge();
    // Pruning moved the directory version: the kept answer is not served again.
    expect(await actions()).toEqual([]);

    expect(report.olderThan.toISOString()).toBe(new Date(now.getTime() - 90 * DAY).toISOString());
    const expiredRuns = [...oldRuns, firstReal.id, quietOld];
    // Employee history: the first sync's 4 creations, written at OLD; the recent sync changed nothing.
    expect(report.deleted).toEqual({
      sync_issue: issuesBefore,
      sync_change_page: expect.any(Number),
      sync_run: expiredRuns.length,
      webhook_delivery: oldDeliveries.length,
      employee_history: 4,
      notification_event: 0,
      bob_rate_lane: 1,
    });
    expect(await count("from bob_rate_lane where key in ('held|people.search', 'fresh|people.search')")).toBe(2);
    expect(await count("from employee_history where company_id = 'retention-co'")).toBe(0);
    expect(await count("from employee where company_id = 'retention-co'")).toBe(4);
    expect(await count("from sync_run where id = any($1::uuid[])", [expiredRuns])).toBe(0);
    expect(await count("from sync_issue where run_id = any($1::uuid[])", [expiredRuns])).toBe(0);
    expect(await count("from sync_change_page where run_id = any($1::uuid[])", [expiredRuns])).toBe(0);
    expect(await count("from webhook_delivery where id = any($1::uuid[])", [oldDeliveries])).toBe(0);

    // Kept: HELD and RUNNING runs, each company's newest run, pending deliveries, anything recent.
    const kept = [held, running, quietNewest, recentReal.id];
    expect(await count("from sync_run where id = any($1::uuid[])", [kept])).toBe(kept.length);
    expect(await count("from sync_issue where run_id = any($1::uuid[])", [[held, running, quietNewest]])).toBe(4);
    expect(await count("from sync_change_page where run_id = any($1::uuid[])", [[held, quietNewest]])).toBe(2);
    expect(await count("from webhook_delivery where id = any($1::uuid[])", [[...pending, ...recentDeliveries]])).toBe(
      5,
    );
    const integration = await h.gw.gql<{ integration: { status: string } }>(
      "{ integration { status } }",
      {},
      await h.gw.token("quiet-co", "ADMIN"),
    );
    expect(integration.errors).toBeUndefined();

    // Bounded: never more than BATCH rows a statement; a table is done when a batch comes back short.
    const statements = (table: string): number => deletes.filter((t) => t === table).length;
    expect(statements("sync_run")).toBe(Math.floor(expiredRuns.length / BATCH) + 1);
    expect(statements("sync_issue")).toBe(Math.floor(issuesBefore / BATCH) + 1);
    expect(statements("webhook_delivery")).toBe(Math.floor(oldDeliveries.length / BATCH) + 1);

    // The run list still answers: the recent run and the kept ones.
    const runs = await h.gql<{ syncRuns: { totalCount: number } }>("{ syncRuns(first: 50) { totalCount } }");
    expect(runs.syncRuns.totalCount).toBe(3);

    // Idempotent: a second pass finds nothing.
    const again = await h.gw.gateway.retention.purge();
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
  });

  it("runs as a daily pg-boss job (scheduled) and on demand through the queue", async () => {
    const schedules = await h.gw.gateway.jobs.boss.getSchedules();
    expect(schedules.find((s) => s.name === "retention")?.cron).toBe(RETENTION_CRON);
    // And once after start: the job the gateway sent when it started, due an hour later here.
    const afterStart = await h.gw.gateway.jobs.boss.findJobs("retention", { key: "retention-after-start" });
    expect(afterStart).toHaveLength(1);
    expect(afterStart[0]?.startAfter.getTime()).toBeGreaterThan(Date.now() + 3000 * 1000);
    const victim = await insertRun("retention-co", "SUCCEEDED", new Date(h.clock.now().getTime() - 91 * DAY), {
      issues: 1,
    });
    await insertRun("retention-co", "SUCCEEDED", h.clock.now()); // the newest again, so the victim is not
    const delivery = await insertDelivery("retention-co", "APPLIED", new Date(h.clock.now().getTime() - 91 * DAY));
    await h.gw.gateway.jobs.triggerRetention();
    const deadline = Date.now() + 30_000;
    while ((await count("from sync_run where id = $1", [victim])) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await count("from sync_run where id = $1", [victim])).toBe(0);
    expect(await count("from webhook_delivery where id = $1", [delivery])).toBe(0);
    expect(h.gw.logs.join("")).toMatch(/retention: records older than RETENTION_DAYS deleted/);
  });
});
