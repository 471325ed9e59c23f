import type { HistoryRow, StoredFieldChange } from "../../domain/history/employee-history.js";
import type { HistoryStore } from "../../domain/ports/history-store.js";
import type { Database } from "../database.js";

type Row = {
  id: string;
  bob_id: string;
  at: Date | string;
  action: HistoryRow["action"];
  cause: HistoryRow["cause"];
  run_id: string | null;
  delivery_id: string | null;
  fields: unknown;
};

export class SqlHistoryStore implements HistoryStore {
  constructor(private readonly db: Database) {}

  async rowsOf(companyId: string, bobIds: readonly string[]): Promise<Map<string, HistoryRow[]>> {
    const byEmployee = new Map<string, HistoryRow[]>();
    if (bobIds.length === 0) return byEmployee;
    const rows = await this.db.query<Row>(
      null,
      `select id::text as id, bob_id, at, action, cause, run_id, delivery_id, fields from employee_history
       where company_id = $1 and bob_id = any($2::text[]) order by bob_id, employee_history.id desc`,
      [companyId, [...new Set(bobIds)]],
    );
    for (const row of rows) {
      const list = byEmployee.get(row.bob_id) ?? [];
      list.push({
        id: row.id,
        bobId: row.bob_id,
        at: row.at instanceof Date ? row.at : new Date(row.at),
        action: row.action,
        cause: row.cause,
        runId: row.run_id,
        deliveryId: row.delivery_id,
        fields: fieldsOf(row.fields),
      });
      byEmployee.set(row.bob_id, list);
    }
    return byEmployee;
  }
}

function fieldsOf(stored: unknown): StoredFieldChange[] | null {
  const triples = typeof stored === "string" ? (JSON.parse(stored) as unknown) : stored;
  if (!Array.isArray(triples)) return null;
  return triples.map(([key, before, after]: [string, string | null, string | null]) => ({ key, before, after }));
}
