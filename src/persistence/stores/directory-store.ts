import type { EntityManager } from "@mikro-orm/sql";
import type {
  BatchHistory,
  DirectoryBatch,
  DirectoryEmployee,
  DirectoryPerson,
  DirectoryStore,
  EmployeePage,
  LifecycleFilter,
  SourceFingerprintEntry,
} from "../../domain/ports/directory-store.js";
import type { EmployeeRecord } from "../../domain/mapping/employee-record.js";
import { fingerprintOf, withSourceFingerprint } from "../../domain/mapping/source-fingerprint.js";
import type { Lifecycle } from "../../domain/mapping/lifecycle.js";
import type { PlanningScope } from "../../domain/mapping/planning-scope.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import type { Database } from "../database.js";
import { AttributeSlots } from "./attribute-slots.js";
import { DirectoryRecordCache } from "./directory-record-cache.js";

/** Directory records kept in memory between syncs by default: two companies of 50,000, 40-60 MB of heap (npm run bench). */
export const DEFAULT_CACHED_EMPLOYEES = 100_000;

/** Columns written by the sync, in the order the bulk statements use them. */
const COLUMNS = [
  "id",
  "company_id",
  "bob_id",
  "employee_number",
  "first_name",
  "last_name",
  "email",
  "manager_bob_id",
  "start_date",
  "birth_date",
  "separation_date",
  "separation_reason",
  "garden_leave",
  "attributes",
  "source_fingerprint",
  "created_at",
  "updated_at",
] as const;
const UPDATED_ON_CONFLICT = COLUMNS.filter((c) => !["id", "company_id", "bob_id", "created_at"].includes(c));
/** Column types of the JSON rows an upsert batch sends (jsonb_to_recordset's record definition). */
const RECORDSET_TYPES = `bob_id varchar, employee_number varchar, first_name varchar, last_name varchar, email varchar,
  manager_bob_id varchar, start_date date, birth_date date, separation_date date, separation_reason varchar,
  garden_leave boolean, attributes jsonb, source_fingerprint varchar`;
/** The columns of a person read: an employee without the attribute values. */
const PERSON_SELECT = `id, bob_id, employee_number, first_name, last_name, email, manager_bob_id,
  to_char(start_date, 'YYYY-MM-DD') as start_date, to_char(birth_date, 'YYYY-MM-DD') as birth_date,
  to_char(separation_date, 'YYYY-MM-DD') as separation_date, separation_reason, garden_leave`;
/** The columns of a directory read (an employee as readers see it). */
const READ_SELECT = `${PERSON_SELECT}, attributes`;
/** The columns of a sync's read: a record with the source fingerprint it was written from. */
const SELECT = `${READ_SELECT}, source_fingerprint`;

/** Every character String.prototype.trim() removes (none lies beyond U+FFFF): btrim() with them trims as JavaScript does. */
const JS_WHITESPACE = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c))
  .filter((c) => c.trim() === "")
  .join("");

interface EmployeeRow {
  id: string;
  bob_id: string;
  employee_number: string | null;
  first_name: string;
  last_name: string;
  email: string | null;
  manager_bob_id: string | null;
  start_date: string | null;
  birth_date: string | null;
  separation_date: string | null;
  separation_reason: string | null;
  garden_leave: boolean;
  attributes: Record<string, string> | string;
  /** Selected by a sync's reads only (SELECT), not by directory reads (READ_SELECT). */
  source_fingerprint?: string | null;
}

/**
 * The lifecycle, in SQL, exactly as deriveLifecycle orders it: LEFT (the separation date is before
 * today: it is the last day of employment), PRE_HIRE, LEAVING (separation date today or later),
 * ACTIVE. test/persistence/lifecycle-sql.test.ts checks it against deriveLifecycle on the database.
 */
const LIFECYCLE_SQL = `case when separation_date < cast(? as date) then 'LEFT'
  when start_date > cast(? as date) then 'PRE_HIRE'
  when separation_date is not null then 'LEAVING' else 'ACTIVE' end`;

/**
 * Bulk statements on the hot path: one multi-row upsert per batch for creates and updates, one
 * delete, all in one transaction; no per-employee round trip.
 */
export class SqlDirectoryStore implements DirectoryStore {
  private readonly cache: DirectoryRecordCache;
  private readonly slots: AttributeSlots;

  /** `cachedEmployees`: records of recently synced directories kept in memory (DirectoryRecordCache); 0 keeps none. */
  constructor(
    private readonly db: Database,
    options: { readonly cachedEmployees?: number } = {},
  ) {
    this.cache = new DirectoryRecordCache(options.cachedEmployees ?? DEFAULT_CACHED_EMPLOYEES);
    this.slots = new AttributeSlots(db);
  }

  /** Hits and misses of the in-memory directory records (metrics). */
  get cacheStats(): { readonly hits: number; readonly misses: number } {
    return this.cache.stats;
  }

  private async recordsByBobId(rows: readonly EmployeeRow[]): Promise<Map<string, EmployeeRecord>> {
    await this.ensureSlotsOf(rows);
    const records = new Map<string, EmployeeRecord>();
    for (const row of rows) records.set(row.bob_id, toRecord(row, this.slots));
    return records;
  }

  /** Every slot the rows' attributes use is known (read once per process; see AttributeSlots). */
  private ensureSlotsOf(rows: readonly EmployeeRow[]): Promise<void> {
    return this.slots.ensureSlots(rows.map(storedAttributes));
  }

  async version(companyId: string): Promise<string> {
    return (await this.readVersion(null, companyId)) ?? "0";
  }

  /** The company's directory version as `em` sees it; null before its first write. */
  private async readVersion(em: EntityManager | null, companyId: string): Promise<string | null> {
    const [current] = await this.db.query<{ version: string | number }>(
      em,
      `select version from directory_version where company_id = $1`,
      [companyId],
    );
    return current === undefined ? null : String(current.version);
  }

  async loadRecords(companyId: string): Promise<ReadonlyMap<string, EmployeeRecord>> {
    return (await this.loadVersionedRecords(companyId)).records;
  }

  async loadVersionedRecords(
    companyId: string,
  ): Promise<{ version: string; records: ReadonlyMap<string, EmployeeRecord> }> {
    // The version first, then the rows (see DirectoryRecordCache).
    const version = await this.version(companyId);
    const kept = this.cache.get(companyId, version);
    if (kept !== null) return { version, records: kept };
    const records = await this.recordsByBobId(
      await this.db.query<EmployeeRow>(null, `select ${SELECT} from employee where company_id = $1`, [companyId]),
    );
    this.cache.set(companyId, version, records);
    return { version, records };
  }

  async loadScope(companyId: string, scope: PlanningScope): Promise<Map<string, EmployeeRecord>> {
    // emailKey() trims and lower-cases in JavaScript; lower() in the "C" collation agrees with it
    // on ASCII without whitespace only, so every row whose email has whitespace or a non-ASCII
    // character (more bytes than characters) comes along too and the planner compares it itself.
    // employeeNumberKey() trims as JavaScript does: btrim() with exactly those characters agrees.
    // The chain goes up manager_bob_id; union stops at a cycle.
    const rows = await this.db.query<EmployeeRow>(
      null,
      `with recursive named as (
         select email, employee_number from employee where company_id = $1 and bob_id = any($2::text[])
       ), chain as (
         select bob_id, manager_bob_id from employee where company_id = $1 and bob_id = any($4::text[])
         union
         select e.bob_id, e.manager_bob_id from employee e join chain c on e.company_id = $1 and e.bob_id = c.manager_bob_id
       )
       select ${SELECT} from employee
       where company_id = $1 and (
         bob_id = any($2::text[])
         or bob_id in (select bob_id from chain)
         or lower(email collate "C") = any($3::text[])
         or lower(email collate "C") in (select lower(email collate "C") from named where email is not null)
         or octet_length(email) <> char_length(email)
         or email ~ '\\s'
         or btrim(employee_number, $5) = any($6::text[])
         or btrim(employee_number, $5) in (select btrim(employee_number, $5) from named where btrim(employee_number, $5) <> '')
       )`,
      [
        companyId,
        [...scope.bobIds],
        [...scope.emailKeys],
        [...scope.managerBobIds],
        JS_WHITESPACE,
        [...scope.employeeNumberKeys],
      ],
    );
    return this.recordsByBobId(rows);
  }

  async applyBatch(companyId: string, batch: DirectoryBatch): Promise<void> {
    const upserts = [...batch.updates, ...batch.creates];
    const fingerprints = batch.fingerprints ?? [];
    if (batch.deletes.length === 0 && upserts.length === 0 && fingerprints.length === 0) return;
    // Serialised before the transaction opens, so its connection is held only for the SQL.
    const deletes = batch.deletes.length > 0 ? JSON.stringify(batch.deletes) : null;
    if (upserts.length > 0) await this.slots.ensureIds(upserts.map((r) => r.attributes));
    const rows = upserts.length > 0 ? recordsetJson(upserts, this.slots) : null;
    const history = batch.history ? { ...batch.history, rows: historyRowsJson(batch.history) } : null;
    const moved = await this.db.em().transactional(async (em) => {
      // Each statement that changes rows moves the directory version once per kind of change (the
      // triggers: deleted, inserted, updated), counted here to know where this transaction began
      // (versionsMoved).
      let moves = 0;
      if (deletes !== null) {
        const [deleted] = await this.db.query<{ n: number }>(
          em,
          // "= any(array(...))": an index lookup per id, whatever the statistics say (right after
          // a company's first sync they still think it has a handful of rows, and hash the whole company).
          `with d as (delete from employee where company_id = $1 and bob_id = any(array(select jsonb_array_elements_text($2::jsonb))) returning 1)
           select count(*)::int as n from d`,
          [companyId, deletes],
        );
        if (Number(deleted?.n) > 0) moves++;
      }
      if (rows !== null) {
        // The whole batch travels as one JSON bind parameter: no per-row placeholders, no inlining.
        // xmax = 0 tells a row this statement inserted from one it updated.
        const [written] = await this.db.query<{ inserted: number; updated: number }>(
          em,
          `with u as (
             insert into employee (${COLUMNS.join(", ")})
             select gen_random_uuid(), $1, r.bob_id, r.employee_number, r.first_name, r.last_name, r.email, r.manager_bob_id,
                    r.start_date, r.birth_date, r.separation_date, r.separation_reason, r.garden_leave, r.attributes, r.source_fingerprint, now(), now()
             from jsonb_to_recordset($2::jsonb) as r(${RECORDSET_TYPES})
             on conflict (company_id, bob_id) do update set ${UPDATED_ON_CONFLICT.map((c) => `${c} = excluded.${c}`).join(", ")}
             returning (xmax = 0) as inserted
           )
           select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from u`,
          [companyId, rows],
        );
        if (Number(written?.inserted) > 0) moves++;
        if (Number(written?.updated) > 0) moves++;
      }
      if (history !== null) {
        await this.db.query(
          em,
          `insert into employee_history (company_id, bob_id, at, action, cause, run_id, delivery_id, fields)
           select $1, r.b, $2, r.a, $3, $4, r.d, r.f from jsonb_to_recordset($5::jsonb) as r(b text, a text, d uuid, f jsonb)`,
          [companyId, history.at, history.cause, history.runId, history.rows],
        );
      }
      // The fingerprints last: their moves come after the batch's own.
      const fingerprintMoves = await this.updateFingerprints(em, companyId, fingerprints);
      const versions = await this.versionsMoved(em, companyId, moves + fingerprintMoves);
      return versions === null ? null : { versions, fingerprintMoves };
    });
    if (moved === null) return;
    const { versions, fingerprintMoves } = moved;
    // The kept directory moves with the batch, then with the fingerprints, each from where it began.
    const afterBatch = String(BigInt(versions.to) - BigInt(fingerprintMoves));
    if (batch.deletes.length > 0 || upserts.length > 0) this.cache.patch(companyId, versions.from, afterBatch, batch);
    if (fingerprints.length > 0) this.cache.patchFingerprints(companyId, afterBatch, versions.to, fingerprints);
  }

  /** Stores new source fingerprints (updated_at stays); returns how often that moved the directory version. */
  private async updateFingerprints(
    em: EntityManager,
    companyId: string,
    entries: readonly SourceFingerprintEntry[],
  ): Promise<number> {
    let moves = 0;
    for (let i = 0; i < entries.length; i += FINGERPRINTS_PER_STATEMENT) {
      // One JSON object, Bob id -> fingerprint; the rows are found by index lookups (see the delete in applyBatch).
      const json = JSON.stringify(
        Object.fromEntries(entries.slice(i, i + FINGERPRINTS_PER_STATEMENT).map((e) => [e.bobId, e.fingerprint])),
      );
      const [updated] = await this.db.query<{ n: number }>(
        em,
        `with u as (
           update employee e set source_fingerprint = $2::jsonb ->> e.bob_id
           where e.company_id = $1 and e.bob_id = any(array(select jsonb_object_keys($2::jsonb))) returning 1
         )
         select count(*)::int as n from u`,
        [companyId, json],
      );
      if (Number(updated?.n) > 0) moves++;
    }
    return moves;
  }

  /**
   * Where the directory version stood before this transaction's first write, and where it stands
   * now, given how many times the transaction's own statements moved it (each statement that
   * changes rows moves it once per kind of change: deleted, inserted, updated). The transaction
   * holds the version row since its first move, so no other write can have moved it in between.
   */
  private async versionsMoved(
    em: EntityManager,
    companyId: string,
    moves: number,
  ): Promise<{ from: string; to: string } | null> {
    if (moves === 0) return null;
    const current = await this.readVersion(em, companyId);
    if (current === null) return null;
    const to = BigInt(current);
    return { from: String(to - BigInt(moves)), to: String(to) };
  }

  async page(
    companyId: string,
    query: { first: number; after: string | null; lifecycles: LifecycleFilter | null },
  ): Promise<EmployeePage> {
    const filter: string[] = ["company_id = ?"];
    const filterParams: unknown[] = [companyId];
    if (query.lifecycles) {
      const { lifecycles, today } = query.lifecycles;
      filter.push(`${LIFECYCLE_SQL} in (${placeholders(lifecycles.length)})`);
      filterParams.push(today, today, ...lifecycles);
    }
    const pageFilter = [...filter];
    const pageParams = [...filterParams];
    if (query.after) {
      const [last, first, id] = decodeCursor(query.after, ["lastName", "firstName", "id"]);
      pageFilter.push("(last_name, first_name, id) > (?, ?, cast(? as uuid))");
      pageParams.push(last, first, id);
    }
    // One statement: the count, and the page beside it (one row of nulls when the page is empty).
    // The columns are formatted on the page's rows only, not on every row the sort looks at.
    const rows = await this.db.query<EmployeeRow & { total_count: number | string }>(
      null,
      numbered(
        `select t.total_count, p.* from (select count(*) as total_count from employee where ${filter.join(" and ")}) t
         left join lateral (
           select ${READ_SELECT} from (
             select * from employee where ${pageFilter.join(" and ")} order by last_name, first_name, id limit ?
           ) e
         ) p on true
         order by p.last_name, p.first_name, p.id`,
      ),
      [...filterParams, ...pageParams, query.first + 1],
    );
    const found = rows.filter((row) => row.id !== null);
    const kept = found.slice(0, query.first);
    await this.ensureSlotsOf(kept);
    const employees = kept.map((row) => ({
      cursor: encodeCursor([row.last_name, row.first_name, row.id]),
      employee: toEmployee(row, this.slots),
    }));
    return { employees, totalCount: Number(rows[0]?.total_count ?? 0), hasNextPage: found.length > query.first };
  }

  async byBobIds(companyId: string, bobIds: readonly string[]): Promise<DirectoryEmployee[]> {
    if (bobIds.length === 0) return [];
    const rows = await this.db.query<EmployeeRow>(
      null,
      `select ${READ_SELECT} from employee where company_id = $1 and bob_id = any($2::text[])`,
      [companyId, [...bobIds]],
    );
    await this.ensureSlotsOf(rows);
    return rows.map((row) => toEmployee(row, this.slots));
  }

  async peopleByBobIds(companyId: string, bobIds: readonly string[]): Promise<DirectoryPerson[]> {
    if (bobIds.length === 0) return [];
    const rows = await this.db.query<Omit<EmployeeRow, "attributes">>(
      null,
      `select ${PERSON_SELECT} from employee where company_id = $1 and bob_id = any($2::text[])`,
      [companyId, [...bobIds]],
    );
    return rows.map((row) => {
      const person = personFields(row) as Omit<EmployeeRecord, "attributes"> & { id: string };
      person.id = row.id;
      return person;
    });
  }

  async employeesOf(companyId: string): Promise<DirectoryEmployee[]> {
    const rows = await this.db.query<EmployeeRow>(null, `select ${READ_SELECT} from employee where company_id = $1`, [
      companyId,
    ]);
    await this.ensureSlotsOf(rows);
    return rows.map((row) => toEmployee(row, this.slots));
  }
}

/** The JSON array jsonb_to_recordset reads: one object per record, keys as the RECORDSET_TYPES columns. */
function recordsetJson(records: readonly EmployeeRecord[], slots: AttributeSlots): string {
  return JSON.stringify(
    records.map((r) => ({
      bob_id: r.bobId,
      employee_number: r.employeeNumber,
      first_name: r.firstName,
      last_name: r.lastName,
      email: r.email,
      manager_bob_id: r.managerBobId,
      start_date: r.startDate,
      birth_date: r.birthDate,
      separation_date: r.separationDate,
      separation_reason: r.separationReason,
      garden_leave: r.gardenLeave,
      attributes: slots.encode(r.attributes),
      source_fingerprint: fingerprintOf(r),
    })),
  );
}

const FINGERPRINTS_PER_STATEMENT = 10_000;

const placeholders = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** `?` placeholders numbered $1, $2... for a bound statement (none of these statements has another `?`). */
const numbered = (sql: string): string => {
  let k = 0;
  return sql.replace(/\?/g, () => `$${++k}`);
};

function toRecord(row: EmployeeRow, slots: AttributeSlots): EmployeeRecord {
  return withSourceFingerprint(toPlainRecord(row, slots), row.source_fingerprint ?? null);
}

function toPlainRecord(row: EmployeeRow, slots: AttributeSlots): EmployeeRecord {
  const record = personFields(row) as Omit<EmployeeRecord, "attributes"> & { attributes: EmployeeRecord["attributes"] };
  record.attributes = slots.decode(storedAttributes(row));
  return record;
}

/** A row's fields but its id and attribute values. */
function personFields(row: Omit<EmployeeRow, "attributes">): Omit<EmployeeRecord, "attributes"> {
  return {
    bobId: row.bob_id,
    employeeNumber: row.employee_number,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    managerBobId: row.manager_bob_id,
    startDate: row.start_date,
    birthDate: row.birth_date,
    separationDate: row.separation_date,
    separationReason: row.separation_reason,
    gardenLeave: row.garden_leave,
  };
}

function toEmployee(row: EmployeeRow, slots: AttributeSlots): DirectoryEmployee {
  // The record gets its id in place: no second copy of every field per row read.
  const employee = toPlainRecord(row, slots) as EmployeeRecord & { id: string };
  employee.id = row.id;
  return employee;
}

/** The row's attributes as stored (slot -> value); PGlite may hand jsonb over as text. */
function storedAttributes(row: EmployeeRow): Record<string, string> {
  if (typeof row.attributes === "string") row.attributes = JSON.parse(row.attributes) as Record<string, string>;
  return row.attributes;
}

/** A batch's history rows as one JSON parameter; fields as [key, before, after] triples. */
function historyRowsJson(history: BatchHistory): string {
  return JSON.stringify(
    history.rows.map((r) => ({
      b: r.bobId,
      a: r.action,
      d: r.deliveryId,
      f: r.fields === null ? null : r.fields.map((f) => [f.key, f.before, f.after]),
    })),
  );
}
