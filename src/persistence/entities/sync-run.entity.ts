import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * One full sync (or dry run) of a company: its state machine, its counts, and for HELD runs the
 * plan waiting for approval. Issues and changes live in their own tables (there can be many).
 */
export const SyncRunSchema = defineEntity({
  name: "SyncRun",
  tableName: "sync_run",
  indexes: [{ name: "sync_run_company_seq_index", properties: ["company", "seq"] }],
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
    processed: p.integer().default(0),
    total: p.integer().nullable(),
    issueCount: p.integer().default(0),
    changeCount: p.integer().default(0),
    error: p.text().nullable(),
    /** The plan a HELD run waits to apply (creates, updates, deletes), serialised. */
    heldPlan: p.json<unknown>().nullable(),
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

export const SyncChangeRowSchema = defineEntity({
  name: "SyncChangeRow",
  tableName: "sync_change",
  properties: {
    run: () => p.manyToOne(SyncRun).primary().deleteRule("cascade"),
    seq: p.integer().primary(),
    action: p.string().length(8),
    bobEmployeeId: p.string().length(64),
    email: p.string().length(320).nullable(),
    fields: p.json<string[]>(),
  },
});

export class SyncChangeRow extends SyncChangeRowSchema.class {}
SyncChangeRowSchema.setClass(SyncChangeRow);
