import { randomUUID } from "node:crypto";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/sql";
import type { RunPage, SyncRunPatch, SyncRunStore } from "../../domain/ports/sync-run-store.js";
import type { HeldPlan, SyncPhase, SyncRunRecord, SyncRunStatus, SyncTrigger } from "../../domain/sync/sync-run.js";
import type { EmployeeChange } from "../../domain/mapping/plan.js";
import type { SyncIssue, SyncIssueCode } from "../../domain/mapping/sync-issue.js";
import { QUEUES, type JobQueue } from "../../jobs/job-queue.js";
import { badInput } from "../../domain/errors.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import type { Database } from "../database.js";
import { decodeChangePage, encodeChangePage } from "./change-page.js";
import type { SurveyImpact } from "../../domain/survey/survey-impact.js";
import { SyncIssueRow, SyncRun } from "../entities/index.js";

/** Rows per bulk statement when storing a run's issues. */
const ROWS_PER_INSERT = 5000;
/** Changes per stored page (entities/sync-run.entity.ts, SyncChangePage). */
const CHANGES_PER_PAGE = 1000;
/** How many people the company's (`?`) last finished full sync fetched; an index scan backwards. */
const LAST_FETCHED = `select l.fetched from sync_run l where l.company_id = ? and l.finished_at is not null and not l.dry_run order by l.seq desc limit 1`;

/** Pages per insert statement (each is one bind parameter). */
const PAGES_PER_INSERT = 100;

export class OrmSyncRunStore implements SyncRunStore {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
  ) {}

  async request(
    companyId: string,
    request: { trigger: SyncTrigger; dryRun: boolean; at: Date },
  ): Promise<SyncRunRecord> {
    const id = randomUUID();
    const inserted = await this.db.em().transactional(async (em) => {
      // The partial unique index (one QUEUED/RUNNING run per company and kind) arbitrates races
      // between replicas: the loser inserts nothing and returns the winner's run below.
      // last_fetched: the size of the company's last finished run, which picks the job's lane.
      const [row] = await em.execute<(RunRow & { last_fetched: number | null })[]>(
        `insert into sync_run (id, company_id, trigger, dry_run, status, phase, queued_at)
         values (?, ?, ?, ?, 'QUEUED', 'QUEUED', ?)
         on conflict (company_id, dry_run) where status in ('QUEUED', 'RUNNING') do nothing
         returning ${RUN_COLUMNS}, (${LAST_FETCHED}) as last_fetched`,
        [id, companyId, request.trigger, request.dryRun, request.at, companyId],
      );
      if (row === undefined) return null;
      await this.jobs.sendFullSync({ runId: id, companyId }, em.getKysely() as never, row.last_fetched);
      return rowToRecord(row);
    });
    if (inserted !== null) {
      this.jobs.wake(QUEUES.fullSync);
      return inserted;
    }
    const active = await this.db
      .em()
      .findOne(SyncRun, { company: companyId, dryRun: request.dryRun, status: { $in: ["QUEUED", "RUNNING"] } });
    if (active) return toRecord(active);
    // The active run finished between our insert and our read: ask again.
    return this.request(companyId, request);
  }

  async get(companyId: string, runId: string): Promise<SyncRunRecord | null> {
    if (!isUuid(runId)) return null;
    const [row] = await this.db.query<RunRow>(
      null,
      `select ${RUN_COLUMNS} from sync_run where id = $1 and company_id = $2`,
      [runId, companyId],
    );
    return row ? rowToRecord(row) : null;
  }

  private async getById(runId: string): Promise<SyncRunRecord | null> {
    if (!isUuid(runId)) return null;
    const [row] = await this.db.query<RunRow>(null, `select ${RUN_COLUMNS} from sync_run where id = $1`, [runId]);
    return row ? rowToRecord(row) : null;
  }

  async loadToExecute(runId: string): Promise<{ run: SyncRunRecord; held: boolean } | null> {
    if (!isUuid(runId)) return null;
    const [row] = await this.db.query<RunRow & { held: boolean }>(
      null,
      `select ${RUN_COLUMNS}, held_plan is not null as held from sync_run where id = $1`,
      [runId],
    );
    return row ? { run: rowToRecord(row), held: row.held } : null;
  }

  async list(companyId: string, first: number, after: string | null): Promise<RunPage> {
    const em = this.db.em();
    const cursor = after ? decodeCursor(after, ["seq"]) : null;
    if (cursor && typeof cursor[0] !== "number") throw badInput("The cursor is not one this API gave out.", "after");
    const where = cursor ? { company: companyId, seq: { $lt: cursor[0] as number } } : { company: companyId };
    const [rows, totalCount] = await Promise.all([
      em.find(SyncRun, where, { orderBy: { seq: "desc" }, limit: first + 1 }),
      em.count(SyncRun, { company: companyId }),
    ]);
    const runs = rows.slice(0, first).map((row) => ({ cursor: encodeCursor([row.seq]), run: toRecord(row) }));
    return { runs, totalCount, hasNextPage: rows.length > first };
  }

  async latest(companyId: string): Promise<SyncRunRecord | null> {
    const [row] = await this.db.query<RunRow>(
      null,
      `select ${RUN_COLUMNS} from sync_run where company_id = $1 order by seq desc limit 1`,
      [companyId],
    );
    return row ? rowToRecord(row) : null;
  }

  async update(runId: string, patch: SyncRunPatch): Promise<SyncRunRecord> {
    // One statement: a running sync calls this for every progress event.
    const set = assignmentsOf(patch, 2);
    if (set.sql === "") return (await this.getById(runId)) ?? notFoundRun(runId);
    const [row] = await this.db.query<RunRow>(
      null,
      `update sync_run set ${set.sql} where id = $1 returning ${RUN_COLUMNS}`,
      [runId, ...set.values],
    );
    return row ? rowToRecord(row) : notFoundRun(runId);
  }

  async advanceFrom(runId: string, phase: SyncPhase, patch: SyncRunPatch): Promise<SyncRunRecord | null> {
    const set = assignmentsOf(patch, 3);
    if (set.sql === "") throw new Error("advanceFrom needs something to change");
    const [row] = await this.db.query<RunRow>(
      null,
      `update sync_run set ${set.sql} where id = $1 and status = 'RUNNING' and phase = $2 returning ${RUN_COLUMNS}`,
      [runId, phase, ...set.values],
    );
    return row ? rowToRecord(row) : null;
  }

  async saveOutcome(
    runId: string,
    issues: readonly SyncIssue[],
    changes: readonly EmployeeChange[],
    next: SyncRunPatch = {},
    surveyImpact?: SurveyImpact,
  ): Promise<SyncRunRecord> {
    const issueChunks: string[] = [];
    // One JSON bind parameter per chunk: an initial sync of 50,000 lists 50,000 changes.
    for (let start = 0; start < issues.length; start += ROWS_PER_INSERT) {
      issueChunks.push(
        JSON.stringify(
          issues.slice(start, start + ROWS_PER_INSERT).map((i, k) => ({
            seq: start + k,
            bob_employee_id: i.bobEmployeeId,
            email: i.email,
            code: i.code,
            message: i.message,
          })),
        ),
      );
    }
    const pages: string[] = [];
    for (let start = 0; start < changes.length; start += CHANGES_PER_PAGE) {
      pages.push(encodeChangePage(changes.slice(start, start + CHANGES_PER_PAGE)));
    }
    const impact = surveyImpact === undefined ? null : encodeSurveyImpact(surveyImpact);
    const write = async (em: EntityManager | null): Promise<RunRow | undefined> => {
      // The first statement writes the first chunk of issues and pages, drops whatever an earlier
      // attempt of this run stored beyond the new lists, and moves the run on: one round trip for
      // all of it in the common case. Further chunks (very large runs) follow in the transaction.
      const [row] = await this.db.query<RunRow>(
        em,
        ...outcomeStatement(
          runId,
          issues.length,
          changes.length,
          issueChunks[0] ?? null,
          pages.slice(0, PAGES_PER_INSERT),
          next,
          impact,
        ),
      );
      for (const chunk of issueChunks.slice(1))
        await this.db.query(em, `with ${issueUpsert("$2")} select 1`, [runId, chunk]);
      for (let first = PAGES_PER_INSERT; first < pages.length; first += PAGES_PER_INSERT) {
        const chunk = pages.slice(first, first + PAGES_PER_INSERT);
        await this.db.query(em, `with ${pageUpsert(chunk.length, first, 2)} select 1`, [runId, ...chunk]);
      }
      return row;
    };
    // A single statement is atomic by itself; more than one needs a transaction.
    const single = issueChunks.length <= 1 && pages.length <= PAGES_PER_INSERT;
    const row = single ? await write(null) : await this.db.em().transactional(write);
    return row ? rowToRecord(row) : notFoundRun(runId);
  }

  async surveyImpacts(companyId: string, runIds: readonly string[]): Promise<Map<string, SurveyImpact>> {
    const ids = runIds.filter(isUuid);
    const impacts = new Map<string, SurveyImpact>();
    if (ids.length === 0) return impacts;
    const rows = await this.db.query<{ id: string; survey_impact: StoredSurveyImpact | string }>(
      null,
      `select id, survey_impact from sync_run where company_id = $1 and id = any($2::uuid[]) and survey_impact is not null`,
      [companyId, ids],
    );
    for (const row of rows)
      impacts.set(
        row.id,
        decodeSurveyImpact(
          typeof row.survey_impact === "string"
            ? (JSON.parse(row.survey_impact) as StoredSurveyImpact)
            : row.survey_impact,
        ),
      );
    return impacts;
  }

  async issues(runId: string, first: number): Promise<SyncIssue[]> {
    const rows = await this.db.em().find(SyncIssueRow, { run: runId }, { orderBy: { seq: "asc" }, limit: first });
    return rows.map((r) => ({
      bobEmployeeId: r.bobEmployeeId ?? null,
      email: r.email ?? null,
      code: r.code as SyncIssueCode,
      message: r.message,
    }));
  }

  async changes(runId: string, first: number): Promise<EmployeeChange[]> {
    if (first <= 0) return [];
    const rows = await this.db.query<{ changes: string }>(
      null,
      `select changes from sync_change_page where run_id = $1 and page < $2 order by page`,
      [runId, Math.ceil(first / CHANGES_PER_PAGE)],
    );
    const changes: EmployeeChange[] = [];
    for (const row of rows) {
      for (const change of decodeChangePage(row.changes)) {
        if (changes.length === first) return changes;
        changes.push(change);
      }
    }
    return changes;
  }

  async hold(runId: string, plan: HeldPlan, patch: SyncRunPatch): Promise<SyncRunRecord> {
    const em = this.db.em();
    const row = await em.findOneOrFail(SyncRun, { id: runId });
    applyPatch(row, patch);
    row.heldPlan = plan;
    await em.flush();
    return toRecord(row);
  }

  async heldPlan(runId: string): Promise<HeldPlan | null> {
    if (!isUuid(runId)) return null;
    const [row] = await this.db.query<{ held_plan: HeldPlan | string | null }>(
      null,
      `select held_plan from sync_run where id = $1`,
      [runId],
    );
    const plan = row?.held_plan ?? null;
    return typeof plan === "string" ? (JSON.parse(plan) as HeldPlan) : plan;
  }

  async requeueHeld(runId: string): Promise<"requeued" | "not-held" | "busy"> {
    try {
      return await this.db
        .em()
        .transactional(async (em) => {
          const rows = await em.execute<{ company_id: string; last_fetched: number | null }[]>(
            `update sync_run r set status = 'QUEUED', phase = 'QUEUED' where id = ? and status = 'HELD'
             returning company_id, (${LAST_FETCHED.replace("?", "r.company_id")}) as last_fetched`,
            [runId],
          );
          const companyId = rows[0]?.company_id;
          if (!companyId) return "not-held" as const;
          await this.jobs.sendFullSync({ runId, companyId }, em.getKysely() as never, rows[0]?.last_fetched ?? null);
          return "requeued" as const;
        })
        .then((outcome) => {
          if (outcome === "requeued") this.jobs.wake(QUEUES.fullSync);
          return outcome;
        });
    } catch (error) {
      // The one-active-run index: another full sync of this company is queued or running.
      if (error instanceof UniqueConstraintViolationException) return "busy";
      throw error;
    }
  }
}

function applyPatch(row: SyncRun, patch: SyncRunPatch): void {
  const { counts, ...rest } = patch;
  Object.assign(row, rest);
  if (counts) Object.assign(row, counts);
}

/** `col = $n, ...` for a patch, its placeholders numbered from `from`. */
function assignmentsOf(patch: SyncRunPatch, from: number): { sql: string; values: unknown[] } {
  const { counts, ...rest } = patch;
  const changed = Object.entries({ ...rest, ...counts }).filter(([, v]) => v !== undefined) as [
    keyof typeof PATCH_COLUMNS,
    unknown,
  ][];
  return {
    sql: changed.map(([key], i) => `${PATCH_COLUMNS[key]} = $${i + from}`).join(", "),
    values: changed.map(([, v]) => v),
  };
}

/** Issues of one JSON chunk (placeholder `param`), upserted by (run_id, seq); $1 is the run id. */
function issueUpsert(param: string): string {
  return `issues_in as (
    insert into sync_issue (run_id, seq, bob_employee_id, email, code, message)
    select $1, r.seq, r.bob_employee_id, r.email, r.code, r.message
    from jsonb_to_recordset(${param}::jsonb) as r(seq int, bob_employee_id varchar, email varchar, code varchar, message text)
    on conflict (run_id, seq) do update set bob_employee_id = excluded.bob_employee_id, email = excluded.email, code = excluded.code, message = excluded.message
  )`;
}

/**
 * Pages `first`.. of a run, one bind parameter each (from placeholder `from`), upserted by
 * (run_id, page). A text[] parameter would be escaped and parsed as an array literal, which took
 * 2 s for the 16 MB of an initial sync of 50,000 (this takes 0.25 s).
 */
function pageUpsert(count: number, first: number, from: number): string {
  const rows = Array.from({ length: count }, (_, k) => `($1, ${first + k}, $${from + k})`).join(", ");
  return `pages_in as (
    insert into sync_change_page (run_id, page, changes) values ${rows}
    on conflict (run_id, page) do update set changes = excluded.changes
  )`;
}

/**
 * One statement: the first issue chunk and pages upserted, rows past the new counts (left by an
 * earlier attempt of the run) deleted, the counts and `next` set on the run, which it returns.
 * The sub-statements touch disjoint rows (seq below the count, seq at or above it), as data-
 * modifying CTEs sharing one snapshot must.
 */
function outcomeStatement(
  runId: string,
  issueCount: number,
  changeCount: number,
  issueChunk: string | null,
  pages: readonly string[],
  next: SyncRunPatch,
  surveyImpact: string | null,
): [string, unknown[]] {
  const params: unknown[] = [runId, issueCount, Math.ceil(changeCount / CHANGES_PER_PAGE), changeCount];
  const parts = [
    `issues_out as (delete from sync_issue where run_id = $1 and seq >= $2)`,
    `pages_out as (delete from sync_change_page where run_id = $1 and page >= $3)`,
  ];
  if (issueChunk !== null) {
    params.push(issueChunk);
    parts.push(issueUpsert(`$${params.length}`));
  }
  if (pages.length > 0) {
    parts.push(pageUpsert(pages.length, 0, params.length + 1));
    params.push(...pages);
  }
  const set = assignmentsOf(next, params.length + 1);
  params.push(...set.values);
  const assignments = ["issue_count = $2", "change_count = $4", ...(set.sql === "" ? [] : [set.sql])];
  if (surveyImpact !== null) {
    params.push(surveyImpact);
    assignments.push(`survey_impact = $${params.length}::jsonb`);
  }
  return [
    `with ${parts.join(", ")} update sync_run set ${assignments.join(", ")} where id = $1 returning ${RUN_COLUMNS}`,
    params,
  ];
}

/** As the survey_impact column keeps it: compact, employees as [bobId, email, becomes] triples. */
interface StoredSurveyImpact {
  becomes: number;
  stops: number;
  employees: [string, string | null, boolean][];
}

function encodeSurveyImpact(impact: SurveyImpact): string {
  const stored: StoredSurveyImpact = {
    becomes: impact.becomes,
    stops: impact.stops,
    employees: impact.employees.map((e) => [e.bobId, e.email, e.becomes]),
  };
  return JSON.stringify(stored);
}

function decodeSurveyImpact(stored: StoredSurveyImpact): SurveyImpact {
  return {
    becomes: stored.becomes,
    stops: stored.stops,
    employees: stored.employees.map(([bobId, email, becomes]) => ({ bobId, email, becomes })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string): boolean => UUID.test(id);

/** The columns a patch may set, by SyncRunPatch (and SyncCounts) key. */
const PATCH_COLUMNS = {
  status: "status",
  phase: "phase",
  startedAt: "started_at",
  finishedAt: "finished_at",
  processed: "processed",
  total: "total",
  error: "error",
  fetched: "fetched",
  created: "created",
  updated: "updated",
  deleted: "deleted",
  unchanged: "unchanged",
  skipped: "skipped",
  driftRepaired: "drift_repaired",
} as const satisfies Record<keyof Omit<SyncRunPatch, "counts"> | keyof SyncRunRecord["counts"], string>;

/** What a SyncRunRecord is made of: never the held plan, which can be megabytes. */
const RUN_COLUMNS =
  "id, company_id, trigger, dry_run, status, phase, queued_at, started_at, finished_at, fetched, created, updated, deleted, unchanged, skipped, drift_repaired, processed, total, error";

interface RunRow {
  id: string;
  company_id: string;
  trigger: string;
  dry_run: boolean;
  status: string;
  phase: string;
  queued_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  drift_repaired: number;
  processed: number;
  total: number | null;
  error: string | null;
}

function rowToRecord(row: RunRow): SyncRunRecord {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    companyId: row.company_id,
    trigger: row.trigger as SyncTrigger,
    dryRun: row.dry_run,
    status: row.status as SyncRunStatus,
    phase: row.phase as SyncPhase,
    queuedAt: new Date(row.queued_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    counts: {
      fetched: row.fetched,
      created: row.created,
      updated: row.updated,
      deleted: row.deleted,
      unchanged: row.unchanged,
      skipped: row.skipped,
      driftRepaired: Number(row.drift_repaired ?? 0),
    },
    processed: row.processed,
    total: row.total,
    error: row.error,
  };
}

function notFoundRun(runId: string): never {
  throw new Error(`Sync run ${runId} does not exist.`);
}

function toRecord(row: SyncRun): SyncRunRecord {
  return {
    id: row.id,
    companyId: typeof row.company === "string" ? row.company : (row.company as { id: string }).id,
    trigger: row.trigger as SyncTrigger,
    dryRun: row.dryRun,
    status: row.status as SyncRunStatus,
    phase: row.phase as SyncPhase,
    queuedAt: row.queuedAt,
    startedAt: row.startedAt ?? null,
    finishedAt: row.finishedAt ?? null,
    counts: {
      fetched: row.fetched,
      created: row.created,
      updated: row.updated,
      deleted: row.deleted,
      unchanged: row.unchanged,
      skipped: row.skipped,
      driftRepaired: row.driftRepaired ?? 0,
    },
    processed: row.processed,
    total: row.total ?? null,
    error: row.error ?? null,
  };
}
