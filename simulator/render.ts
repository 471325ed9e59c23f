/**
 * Turns employee records into Bob's raw people JSON. A request's field list is compiled once
 * into columns (getter + human formatter + output path), then applied per employee, so a
 * 50,000-person search stays linear.
 */
import { humanDate } from "./dates.js";
import { HUMAN_LIFECYCLE, type LifecycleState } from "./lifecycle.js";
import type { Company } from "./company.js";
import type { EmployeeRecord, SimField } from "./types.js";

export type HumanReadableMode = "NONE" | "APPEND" | "REPLACE";
export type ResponseStyle = "nested" | "flat" | "both";

/** Categories whose (non-custom) fields make up people/search's default field set. */
const DEFAULT_CATEGORIES = new Set(["root", "about", "employment", "work"]);

interface Row {
  e: EmployeeRecord;
  lc: LifecycleState | null;
}

interface Column {
  path: string[];
  flatKey: string;
  get(row: Row): unknown;
  human(value: unknown): unknown;
}

export interface RenderOptions {
  fieldIds: readonly string[] | undefined;
  humanReadable: HumanReadableMode;
  responseStyle: ResponseStyle;
  hiddenCategories: ReadonlySet<string>;
}

export function defaultFieldIds(company: Company): string[] {
  const ids: string[] = [];
  for (const f of company.allFields()) if (!f.custom && DEFAULT_CATEGORIES.has(f.categoryId)) ids.push(f.id);
  return ids;
}

export function compileColumns(company: Company, opts: RenderOptions): Column[] {
  const ids = new Set(["root.id", ...(opts.fieldIds ?? defaultFieldIds(company))]);
  const columns: Column[] = [];
  for (const id of ids) {
    const f = company.field(id);
    // Unknown fields and fields the caller may not see are silently left out, as Bob does.
    if (!f || (id !== "root.id" && opts.hiddenCategories.has(f.categoryId))) continue;
    columns.push({
      path: f.jsonPath.split("."),
      flatKey: `/${f.id.split(".").join("/")}`,
      get: getter(company, f),
      human: humanizer(company, f),
    });
  }
  return columns;
}

function lifecycle(company: Company, row: Row): LifecycleState {
  row.lc ??= company.lifecycle(row.e);
  return row.lc;
}

function getter(company: Company, f: SimField): (row: Row) => unknown {
  switch (f.id) {
    case "root.id":
      return (r) => r.e.id;
    case "root.companyId":
      return () => company.companyId;
    case "root.fullName":
      return (r) =>
        [r.e.values["root.firstName"], r.e.values["root.surname"]].filter((x) => typeof x === "string").join(" ");
    case "work.reportsTo":
      return (r) => {
        const m = r.e.values["work.manager"];
        const manager = typeof m === "string" ? company.record(m) : undefined;
        if (!manager) return null;
        const v = manager.values;
        return {
          id: manager.id,
          firstName: v["root.firstName"] ?? null,
          surname: v["root.surname"] ?? null,
          displayName: v["root.displayName"] ?? null,
          email: v["root.email"] ?? null,
        };
      };
    case "work.isManager":
      return (r) => company.directReports(r.e.id) > 0;
    case "work.directReports":
      return (r) => company.directReports(r.e.id);
    case "personal.shortBirthDate":
      return (r) => {
        const b = r.e.values["personal.birthDate"];
        return typeof b === "string" ? b.slice(5) : null;
      };
    case "internal.status":
      return (r) => lifecycle(company, r).status;
    case "internal.lifecycleStatus":
      return (r) => lifecycle(company, r).lifecycleStatus;
    default: {
      const id = f.id;
      return (r) => r.e.values[id] ?? null;
    }
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");

function humanizer(company: Company, f: SimField): (v: unknown) => unknown {
  const listId = f.typeData.listId ?? "";
  const itemName = (id: unknown): string => company.listItem(listId, String(id))?.name ?? String(id);
  const employeeName = (id: unknown): unknown => {
    const e = typeof id === "string" ? company.record(id) : undefined;
    return e ? (e.values["root.displayName"] ?? id) : id;
  };
  if (f.id === "internal.lifecycleStatus") return (v) => HUMAN_LIFECYCLE[v as LifecycleState["lifecycleStatus"]] ?? v;
  if (f.id === "work.reportsTo") return (v) => (v as { displayName?: unknown }).displayName ?? null;
  switch (f.type) {
    case "list":
    case "hierarchy-list":
      return itemName;
    case "multi-list":
      return (v) => (Array.isArray(v) ? v.map(itemName).join(", ") : v);
    case "boolean":
      return (v) => (v ? "Yes" : "No");
    case "number":
    case "document":
      return (v) => String(v);
    case "date":
      return (v) => (typeof v === "string" ? humanDate(v) : v);
    case "short-date":
      return (v) => (typeof v === "string" ? `${v.slice(3)}/${v.slice(0, 2)}` : v);
    case "time":
      return (v) => {
        if (typeof v !== "string") return v;
        const d = new Date(`${v.slice(0, 23)}Z`);
        return Number.isNaN(d.getTime())
          ? v
          : `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
      };
    case "currency":
      return (v) => {
        const c = v as { value: number; currency: string };
        return `${c.value.toFixed(2)} ${c.currency}`;
      };
    case "employee-reference":
      return employeeName;
    default:
      return (v) => v;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const k = path[i]!;
    let child = node[k] as Record<string, unknown> | undefined;
    if (child === undefined || child === null || typeof child !== "object") {
      child = {};
      node[k] = child;
    }
    node = child;
  }
  node[path[last]!] = value;
}

export function renderEmployee(
  company: Company,
  e: EmployeeRecord,
  columns: readonly Column[],
  opts: RenderOptions,
): Record<string, unknown> {
  const row: Row = { e, lc: null };
  const out: Record<string, unknown> = {};
  const nested = opts.responseStyle !== "flat";
  const flat = opts.responseStyle !== "nested";
  const mode = opts.humanReadable;
  let humanNode: Record<string, unknown> | null = null;
  for (const c of columns) {
    const machine = c.get(row);
    const human = machine === null ? null : c.human(machine);
    const value = mode === "REPLACE" ? human : machine;
    if (nested) setPath(out, c.path, value);
    if (flat) out[c.flatKey] = { value };
    // Human values exist only for non-null fields.
    if (mode === "APPEND" && human !== null) {
      humanNode ??= {};
      setPath(humanNode, c.path, human);
    }
  }
  if (humanNode) out["humanReadable"] = humanNode;
  return out;
}

export function renderEmployees(
  company: Company,
  employees: Iterable<EmployeeRecord>,
  opts: RenderOptions,
): Record<string, unknown>[] {
  const columns = compileColumns(company, opts);
  const out: Record<string, unknown>[] = [];
  for (const e of employees) out.push(renderEmployee(company, e, columns, opts));
  return out;
}
