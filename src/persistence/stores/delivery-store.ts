import { randomUUID } from "node:crypto";
import DataLoader from "dataloader";
import { sql } from "kysely";
import { z } from "zod";
import { badInput } from "../../domain/errors.js";
import type {
  DeliveryOutcome,
  DeliveryPage,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
} from "../../domain/ports/delivery-store.js";
import type { SyncIssue } from "../../domain/mapping/sync-issue.js";
import type { BobWebhookEvent } from "../../domain/webhooks/bob-event.js";
import { QUEUES, type JobQueue } from "../../jobs/job-queue.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import type { Database } from "../database.js";
import { WebhookDelivery } from "../entities/index.js";
import { GroupCommit, type ItemOutcome } from "./group-commit.js";

interface Incoming {
  readonly id: string;
  readonly companyId: string;
  readonly event: BobWebhookEvent;
  readonly status: DeliveryStatus;
  readonly bodyHash: string;
  readonly receivedAt: Date;
}

interface Accepted {
  readonly id: string;
  readonly duplicate: boolean;
}

interface PendingRow {
  id: string;
  company_id: string;
  received_at: Date | string;
  event_type: string;
  bob_employee_id: string | null;
  employee_ids: string[] | string;
}

/** The JSON rows jsonb_to_recordset reads for an insert of deliveries: the first of each body, with how many more came with it. */
function recordset(firsts: readonly First[]): string {
  return JSON.stringify(
    firsts.map(({ item: it, copies }, n) => ({
      n,
      id: it.id,
      company_id: it.companyId,
      received_at: it.receivedAt.toISOString(),
      event_type: it.event.type,
      bob_employee_id: it.event.employeeIds[0] ?? null,
      employee_ids: it.event.employeeIds,
      status: it.status,
      body_hash: it.bodyHash,
      replays: copies,
    })),
  );
}

/** The first delivery of a body in a group, and how many more of it the group holds. */
interface First {
  readonly item: Incoming;
  copies: number;
}

/** Stores a group's deliveries, one row per body; a body already stored counts a replay on its first record. */
const INSERT_DELIVERIES = `insert into webhook_delivery (id, company_id, received_at, event_type, bob_employee_id, employee_ids, status, body_hash, replays)
  select r.id, r.company_id, r.received_at, r.event_type, r.bob_employee_id, r.employee_ids, r.status, r.body_hash, r.replays
  from jsonb_to_recordset($1::jsonb) as r(n int, id uuid, company_id varchar, received_at timestamptz, event_type varchar,
    bob_employee_id varchar, employee_ids jsonb, status varchar, body_hash varchar, replays int)
  order by r.n
  on conflict (company_id, body_hash) where body_hash is not null
  do update set replays = webhook_delivery.replays + excluded.replays + 1
  returning id, company_id, body_hash`;

/**
 * pg-boss's jobs ($2, its JSON text) kept only for the companies that got a new ACCEPTED row: a
 * returned row whose id is one this group chose was inserted, not a replay counted on an older one.
 */
const JOBS_OF_NEW_WORK = `(select coalesce(json_agg(jobs.job), '[]'::json)::text
  from json_array_elements($2::json) as jobs(job)
  where jobs.job->'data'->>'companyId' in (
    select d.company_id from d join jsonb_to_recordset($1::jsonb) as mine(id uuid, status varchar) on mine.id = d.id
    where mine.status = 'ACCEPTED'))`;

const bodyKey = (it: Incoming): string => `${it.companyId}\u0000${it.bodyHash}`;

export class OrmDeliveryStore implements DeliveryStore {
  /**
   * Deliveries arriving together share one transaction (one multi-row INSERT, one job per company
   * that got new work); each webhook request is answered only after its own batch committed.
   */
  private readonly intake: GroupCommit<Incoming, Accepted>;

  private readonly pendingStates: DataLoader<string, { count: number; lastSeq: number }>;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
  ) {
    // One commit at a time: deliveries arriving meanwhile wait and share the next one. (Two at a
    // time on PostgreSQL measured no better: smaller batches, more round trips, more CPU per ack.)
    this.intake = new GroupCommit((items) => this.commitGroup(items), { maxBatch: 500, maxInFlight: 1 });
    // Every company waiting for its burst to settle asks every 100 ms; in a storm over hundreds
    // of companies that was thousands of statements a second, queued for the same connections as
    // the acks. The questions of a 10 ms window share one statement; nothing is kept after it.
    this.pendingStates = new DataLoader((companyIds) => this.loadPendingStates(companyIds), {
      cache: false,
      maxBatchSize: 1000,
      batchScheduleFn: (run) => setTimeout(run, 10),
    });
  }

  accept(
    companyId: string,
    event: BobWebhookEvent,
    bodyHash: string,
    receivedAt: Date,
  ): Promise<{ id: string; duplicate: boolean }> {
    const status: DeliveryStatus = event.disposition === "IGNORE" ? "IGNORED" : "ACCEPTED";
    return this.intake.submit({ id: randomUUID(), companyId, event, status, bodyHash, receivedAt });
  }

  /** The whole group in one transaction; when the database refuses it, each delivery alone, so one bad delivery fails only itself. */
  private async commitGroup(items: readonly Incoming[]): Promise<ItemOutcome<Accepted>[]> {
    try {
      return (await this.insert(items)).map((value) => ({ ok: true as const, value }));
    } catch (error) {
      if (items.length === 1) return [{ ok: false, error }];
      const outcomes: ItemOutcome<Accepted>[] = [];
      for (const item of items) {
        try {
          const [value] = await this.insert([item]);
          outcomes.push({ ok: true, value: value as Accepted });
        } catch (itemError) {
          outcomes.push({ ok: false, error: itemError });
        }
      }
      return outcomes;
    }
  }

  /**
   * One transaction: the deliveries, one row per body (a body already stored, or earlier in this
   * group, is not stored again: it is counted in its first record's `replays` and answered with
   * that record's id), then one webhook-apply job per company with new work. One statement
   * either inserts or counts, so concurrent groups (or replicas) cannot both store a body.
   */
  private async insert(items: readonly Incoming[]): Promise<Accepted[]> {
    const firsts = new Map<string, First>();
    for (const it of items) {
      const first = firsts.get(bodyKey(it));
      if (first) first.copies += 1;
      else firsts.set(bodyKey(it), { item: it, copies: 0 });
    }
    // One statement, so one round trip and its own transaction: the deliveries and, nested in
    // it, pg-boss's insert of one webhook-apply job per company with new work. A four-statement
    // transaction (begin, insert, pg-boss's insert, commit) made every ack wait ~1.5x as long.
    const candidates = new Set(
      [...firsts.values()].filter((f) => f.item.status === "ACCEPTED").map((f) => f.item.companyId),
    );
    const deliveries = recordset([...firsts.values()]);
    let rows: { id: string; company_id: string; body_hash: string }[];
    if (candidates.size === 0) {
      rows = await this.db.query(null, INSERT_DELIVERIES, [deliveries]);
    } else {
      const jobs = await this.jobs.webhookAppliesStatement([...candidates].map((companyId) => ({ companyId })));
      rows = await this.db.query(
        null,
        `with d as (${INSERT_DELIVERIES}), j as (${jobs.insert(JOBS_OF_NEW_WORK)}) select id, company_id, body_hash from d`,
        [deliveries, jobs.jobsText],
      );
    }
    const stored = new Map(rows.map((r) => [`${r.company_id}\u0000${r.body_hash}`, r.id]));
    const inserted = new Set(
      [...firsts.values()].filter((f) => stored.get(bodyKey(f.item)) === f.item.id).map((f) => f.item),
    );
    if ([...inserted].some((it) => it.status === "ACCEPTED")) this.jobs.wake(QUEUES.webhookApply);
    return items.map((it) => {
      const id = stored.get(bodyKey(it));
      if (id === undefined) throw new Error("a delivery's body was neither stored nor found stored");
      return { id, duplicate: !inserted.has(it) };
    });
  }

  async pending(companyId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await sql<PendingRow>`
      select id, company_id, received_at, event_type, bob_employee_id, employee_ids from webhook_delivery
      where company_id = ${companyId} and status = 'ACCEPTED' order by seq limit ${limit}`.execute(
      this.db.em().getKysely(),
    );
    return rows.rows.map((row) => ({
      id: row.id,
      companyId: row.company_id,
      receivedAt: new Date(row.received_at),
      eventType: row.event_type,
      bobEmployeeId: row.bob_employee_id,
      employeeIds: typeof row.employee_ids === "string" ? (JSON.parse(row.employee_ids) as string[]) : row.employee_ids,
      status: "ACCEPTED" as const,
      error: null,
      issues: [],
    }));
  }

  pendingState(companyId: string): Promise<{ count: number; lastSeq: number }> {
    return this.pendingStates.load(companyId);
  }

  private async loadPendingStates(companyIds: readonly string[]): Promise<{ count: number; lastSeq: number }[]> {
    const rows = await this.db.query<{ company_id: string; n: number | string; last: number | string | null }>(
      null,
      `select company_id, count(*) as n, max(seq) as last from webhook_delivery
        where company_id = any($1::text[]) and status = 'ACCEPTED' group by company_id`,
      [companyIds],
    );
    const byCompany = new Map(rows.map((r) => [r.company_id, { count: Number(r.n), lastSeq: Number(r.last ?? 0) }]));
    return companyIds.map((id) => byCompany.get(id) ?? { count: 0, lastSeq: 0 });
  }

  async companiesWithPending(): Promise<string[]> {
    const rows = await sql<{
      company_id: string;
    }>`select distinct company_id from webhook_delivery where status = 'ACCEPTED'`.execute(this.db.em().getKysely());
    return rows.rows.map((r) => r.company_id);
  }

  async markOutcomes(outcomes: readonly DeliveryOutcome[], at: Date): Promise<void> {
    if (outcomes.length === 0) return;
    const json = JSON.stringify(
      outcomes.map((o) => ({ id: o.id, status: o.status, issues: o.issues.length > 0 ? o.issues : null })),
    );
    await sql`
      update webhook_delivery w set status = o.status, issues = o.issues, applied_at = ${at.toISOString()}::timestamptz, error = null
      from jsonb_to_recordset(${json}::jsonb) as o(id uuid, status varchar, issues jsonb)
      where w.id = o.id and w.status = 'ACCEPTED'`.execute(this.db.em().getKysely());
  }

  async markFailed(ids: readonly string[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await sql`
      update webhook_delivery set status = 'FAILED', error = ${error}
      where status = 'ACCEPTED' and id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`.execute(
      this.db.em().getKysely(),
    );
  }

  async list(companyId: string, first: number, after: string | null): Promise<DeliveryPage> {
    const cursor = after ? decodeCursor(after, ["seq"]) : null;
    if (cursor && typeof cursor[0] !== "number") throw badInput("The cursor is not one this API gave out.", "after");
    const em = this.db.em();
    const where = cursor ? { company: companyId, seq: { $lt: cursor[0] as number } } : { company: companyId };
    const [rows, totalCount] = await Promise.all([
      em.find(WebhookDelivery, where, { orderBy: { seq: "desc" }, limit: first + 1 }),
      em.count(WebhookDelivery, { company: companyId }),
    ]);
    return {
      deliveries: rows.slice(0, first).map((row) => ({ cursor: encodeCursor([row.seq]), delivery: toRecord(row) })),
      totalCount,
      hasNextPage: rows.length > first,
    };
  }
}

function toRecord(row: WebhookDelivery): DeliveryRecord {
  return {
    id: row.id,
    companyId: typeof row.company === "string" ? row.company : (row.company as { id: string }).id,
    receivedAt: row.receivedAt,
    eventType: row.eventType,
    bobEmployeeId: row.bobEmployeeId ?? null,
    employeeIds: row.employeeIds,
    status: row.status as DeliveryStatus,
    error: row.error ?? null,
    issues: issuesOf(row.issues),
  };
}

const storedIssuesSchema = z.array(
  z.object({
    bobEmployeeId: z.string().nullable(),
    email: z.string().nullable(),
    code: z.string(),
    message: z.string(),
  }),
);

/** The stored issues as the domain knows them (none when the column is empty). */
function issuesOf(json: unknown): SyncIssue[] {
  const parsed = storedIssuesSchema.safeParse(typeof json === "string" ? JSON.parse(json) : (json ?? []));
  return parsed.success ? (parsed.data as SyncIssue[]) : [];
}
