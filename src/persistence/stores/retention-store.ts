import type { RetentionStore } from "../../domain/ports/retention-store.js";
import type { Database } from "../database.js";

/**
 * What "expired" means per table, as SQL over $1 (the cutoff). A run's issues and change pages go
 * before the run itself, so no single statement cascades to an unbounded number of child rows.
 */
const EXPIRED_RUN = `r.queued_at < $1 and r.status not in ('QUEUED', 'RUNNING', 'HELD')
  and r.seq < (select max(n.seq) from sync_run n where n.company_id = r.company_id)`;

interface Target {
  readonly table: string;
  /** What picks a row: the primary key, or ctid where the table has none (employee_history). */
  readonly key: string;
  readonly expired: string;
}

/** Adding a table to retention is one line here. */
const TARGETS: readonly Target[] = [
  { table: "sync_issue", key: "run_id, seq", expired: `run_id in (select r.id from sync_run r where ${EXPIRED_RUN})` },
  {
    table: "sync_change_page",
    key: "run_id, page",
    expired: `run_id in (select r.id from sync_run r where ${EXPIRED_RUN})`,
  },
  { table: "sync_run", key: "id", expired: `id in (select r.id from sync_run r where ${EXPIRED_RUN})` },
  { table: "webhook_delivery", key: "id", expired: `received_at < $1 and status <> 'ACCEPTED'` },
  { table: "employee_history", key: "ctid", expired: `at < $1` },
  { table: "notification_event", key: "id", expired: `created_at < $1` },
  // Bob rate-limit lanes of credentials not used since the cutoff (epoch ms).
  {
    table: "bob_rate_lane",
    key: "key",
    expired: `coalesce(stamps[cardinality(stamps)], 0) < extract(epoch from $1::timestamptz) * 1000 and paused_until < extract(epoch from $1::timestamptz) * 1000`,
  },
];

export class SqlRetentionStore implements RetentionStore {
  readonly targets = TARGETS.map((t) => t.table);

  constructor(private readonly db: Database) {}

  async deleteExpired(target: string, olderThan: Date, limit: number): Promise<number> {
    const t = TARGETS.find((x) => x.table === target);
    if (!t) throw new Error(`no retention rule for ${target}`);
    const rows = await this.db.query<{ n: number | string }>(
      null,
      `with gone as (delete from ${t.table} where (${t.key}) in (select ${t.key} from ${t.table} where ${t.expired} limit $2) returning 1)
       select count(*)::int as n from gone`,
      [olderThan, Math.floor(limit)],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
