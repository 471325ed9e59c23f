import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * One full sync (or dry run) of a company: its state machine, its counts, and for HELD runs the
 * plan waiting for approval. Issues and changes live in their own tables (there can be many).
 */
export const SyncRunSchema = defineEntity({
  name: "SyncRun",
  tableName: "sync_run",
  indexes: [
    { name: "sync_run_company_seq_index", properties: ["company", "seq"] },
    // Retention finds expired runs by it (Migration20261207110000).
    { name: "sync_run_queued_at_index", properties: ["queuedAt"] },
  ],
  uniques: [
    {
      // At most one QUEUED or RUNNING run per company and kind: replicas racing to start a sync
      // meet here, and the loser gets the winner's run.
      name: "sync_run_one_active",
      expression: `create unique index "sync_run_one_active" on "sync_run" ("company_id", "dry_run") where "status" in ('QUEUED', 'RUNNING')`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    /** Database-assigned order of queueing: "newest first" never depends on two clocks agreeing. */
    seq: p.integer().autoincrement(),
    company: () => p.manyToOne(Company).deleteRule("cascade"),
    trigger: p.string().length(16),
    dryRun: p.boolean().default(false),
    status: p.string().length(16),
    phase: p.string().length(16),
    queuedAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    fetched: p.integer().default(0),
    created: p.integer().default(0),
    updated: p.integer().default(0),
    deleted: p.integer().default(0),
    unchanged: p.integer().default(0),
    skipped: p.integer().default(0),
    /** Employees changed although real-time updates were on when the run started (drift the webhooks missed). */
    driftRepaired: p.integer().default(0),
    processed: p.integer().default(0),
    total: p.integer().nullable(),
    issueCount: p.integer().default(0),
    changeCount: p.integer().default(0),
    error: p.text().nullable(),
    /** The plan a HELD run waits to apply (creates, updates, deletes), serialised; lazy: megabytes for a large company, read only to apply it. */
    heldPlan: p.json<unknown>().nullable().lazy(),
    /** How the run's plan changes today's surveyable population (domain/survey/survey-impact.ts); null before planning or before Migration20261207130000. Lazy: up to 10,000 employees. */
    surveyImpact: p.json<unknown>().nullable().lazy(),
  },
});

export class SyncRun extends SyncRunSchema.class {}
SyncRunSchema.setClass(SyncRun);

export const SyncIssueRowSchema = defineEntity({
  name: "SyncIssueRow",
  tableName: "sync_issue",
  properties: {
    run: () => p.manyToOne(SyncRun).primary().deleteRule("cascade"),
    seq: p.integer().primary(),
    bobEmployeeId: p.string().length(64).nullable(),
    email: p.string().length(320).nullable(),
    code: p.string().length(32),
    message: p.text(),
  },
});

export class SyncIssueRow extends SyncIssueRowSchema.class {}
SyncIssueRowSchema.setClass(SyncIssueRow);

/**
 * A run's changes, CHANGES_PER_PAGE to a row, as JSON text: an initial sync of 50,000 lists
 * 50,000 changes, which are only ever read in order from the start. As rows with a foreign key
 * and a jsonb column each, storing them cost as much as storing the employees themselves; as
 * text pages it costs next to nothing (PostgreSQL does not parse text).
 */
export const SyncChangePageSchema = defineEntity({
  name: "SyncChangePage",
  tableName: "sync_change_page",
  properties: {
    run: () => p.manyToOne(SyncRun).primary().deleteRule("cascade"),
    page: p.integer().primary(),
    changes: p.text(),
  },
});

export class SyncChangePage extends SyncChangePageSchema.class {}
SyncChangePageSchema.setClass(SyncChangePage);
