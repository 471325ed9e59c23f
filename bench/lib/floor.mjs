// The floor: the least work any sync must do. One people search fetched and parsed, and the same
// rows inserted with one bulk statement (jsonb_to_recordset, one parameter) on a bare table.
import { once } from "node:events";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import pg from "pg";
import { dist, median, nowMs } from "./common.mjs";

const { ALWAYS_FETCHED_FIELD_IDS } = await dist("domain/mapping/standard-fields.js");

/** The field ids the sync asks for: what it always reads plus every STANDARD or COMPATIBLE mapping. */
export function syncedFieldIds(fieldMappings) {
  const ids = new Set(ALWAYS_FETCHED_FIELD_IDS);
  for (const m of fieldMappings) if (m.status === "STANDARD" || m.status === "COMPATIBLE") ids.add(m.bobFieldId);
  return [...ids];
}

export async function fetchAndParse(sim, fields) {
  const su = sim.credentials.serviceUser;
  const t0 = nowMs();
  const res = await fetch(`${sim.baseUrl}/people/search`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${su.id}:${su.token}`).toString("base64")}`,
    },
    body: JSON.stringify({ fields, showInactive: true }),
  });
  if (res.status !== 200) throw new Error(`people search answered ${res.status}`);
  const body = JSON.parse(await res.text());
  return { ms: nowMs() - t0, people: body.employees, bytes: Number(res.headers.get("content-length") ?? 0) };
}

const read = (person, fieldId) => {
  const path = fieldId.startsWith("root.") ? [fieldId.slice(5)] : fieldId.split(".");
  let v = person;
  for (const k of path) v = v?.[k];
  return v ?? null;
};
const COLUMN_FIELDS = {
  "root.id": 1,
  "root.firstName": 1,
  "root.surname": 1,
  "root.email": 1,
  "work.employeeIdInCompany": 1,
  "work.reportsTo": 1,
  "work.startDate": 1,
  "personal.birthDate": 1,
  "internal.terminationDate": 1,
  "internal.terminationReason": 1,
};

/** The employee table's row for each person, attributes as a jsonb map of the other fields. */
export function toRows(people, fields) {
  // The sync skips people without a name (a MISSING_NAME issue); so does the floor.
  return people
    .filter((p) => p.firstName && p.surname)
    .map((p) => {
      const attributes = {};
      for (const f of fields) {
        if (COLUMN_FIELDS[f]) continue;
        const v = read(p, f);
        if (v !== null) attributes[f] = typeof v === "object" ? JSON.stringify(v) : String(v);
      }
      const manager = read(p, "work.reportsTo");
      return {
        bob_id: String(p.id),
        employee_number: read(p, "work.employeeIdInCompany")?.toString() ?? null,
        first_name: p.firstName,
        last_name: p.surname,
        email: p.email ?? null,
        manager_bob_id: manager && typeof manager === "object" ? String(manager.id ?? "") || null : null,
        start_date: read(p, "work.startDate"),
        birth_date: read(p, "personal.birthDate"),
        separation_date: read(p, "internal.terminationDate"),
        separation_reason: read(p, "internal.terminationReason"),
        garden_leave: false,
        attributes,
      };
    });
}

// Same columns, indexes and unique constraint as the gateway's employee table (no foreign key).
const DDL = `
create table floor_employee ("id" uuid not null, "company_id" varchar(128) not null, "bob_id" varchar(64) not null, "employee_number" varchar(128) null, "first_name" varchar(256) not null, "last_name" varchar(256) not null, "email" varchar(320) null, "manager_bob_id" varchar(64) null, "start_date" date null, "birth_date" date null, "separation_date" date null, "separation_reason" varchar(256) null, "garden_leave" boolean not null default false, "attributes" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));
create index on floor_employee ("company_id", "last_name", "first_name", "id");
create index on floor_employee ("company_id", "manager_bob_id");
alter table floor_employee add constraint floor_employee_company_bob_id_unique unique ("company_id", "bob_id");`;
const INSERT = `insert into floor_employee (id, company_id, bob_id, employee_number, first_name, last_name, email, manager_bob_id, start_date, birth_date, separation_date, separation_reason, garden_leave, attributes, created_at, updated_at)
  select gen_random_uuid(), 'floor', x.bob_id, x.employee_number, x.first_name, x.last_name, x.email, x.manager_bob_id, x.start_date, x.birth_date, x.separation_date, x.separation_reason, x.garden_leave, x.attributes, now(), now()
  from jsonb_to_recordset($1::jsonb) as x(bob_id text, employee_number text, first_name text, last_name text, email text, manager_bob_id text, start_date date, birth_date date, separation_date date, separation_reason text, garden_leave boolean, attributes jsonb)`;

/**
 * Median ms of `reps` bulk inserts of rows into an empty table (plain pg, or PGlite in memory).
 * PGlite runs on the thread that calls it, for seconds at 50,000 rows: it gets a worker thread
 * of its own, so this process keeps answering the gateway's WebSocket pings meanwhile.
 */
export async function bulkInsertMs(kind, databaseUrl, rows, reps) {
  if (kind !== "postgres" && isMainThread) {
    const worker = new Worker(new URL(import.meta.url), { workerData: { kind, rows, reps } });
    const [result] = await Promise.race([
      once(worker, "message"),
      once(worker, "error").then(([error]) => Promise.reject(error)),
    ]);
    await worker.terminate();
    return result;
  }
  let exec, query, close;
  if (kind === "postgres") {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    exec = (sql) => client.query(sql);
    query = (sql, params) => client.query(sql, params);
    close = async () => {
      await client.query("drop table if exists floor_employee").catch(() => undefined);
      await client.end();
    };
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = await PGlite.create();
    exec = (sql) => db.exec(sql);
    query = (sql, params) => db.query(sql, params);
    close = () => db.close();
  }
  try {
    await exec(DDL);
    const times = [];
    for (let i = 0; i < reps; i++) {
      await exec("truncate floor_employee");
      const t0 = nowMs();
      await query(INSERT, [JSON.stringify(rows)]);
      times.push(nowMs() - t0);
    }
    const count = await query("select count(*)::int as n from floor_employee");
    if (count.rows[0].n !== rows.length) throw new Error(`floor inserted ${count.rows[0].n} of ${rows.length}`);
    return median(times);
  } finally {
    await close();
  }
}

if (!isMainThread && workerData?.rows) {
  parentPort.postMessage(await bulkInsertMs(workerData.kind, null, workerData.rows, workerData.reps));
}

/**
 * The bare table held open for many companies' floors (the fleet benchmark): insert(rows) gives
 * the ms of one bulk insert into the emptied table. PostgreSQL only.
 */
export async function openFloorTable(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(DDL);
  return {
    async insert(rows) {
      await client.query("truncate floor_employee");
      const t0 = nowMs();
      await client.query(INSERT, [JSON.stringify(rows)]);
      return nowMs() - t0;
    },
    async close() {
      await client.query("drop table if exists floor_employee").catch(() => undefined);
      await client.end();
    },
  };
}
