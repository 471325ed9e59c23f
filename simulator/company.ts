/**
 * The company's state and every way to change it (CompanyControl). Mutations validate like
 * Bob would, then report the matching v2 webhook events to a sink; the HTTP layers and the
 * webhook emitter only read from here.
 */
import { isIsoDate } from "./dates.js";
import { SimError, badRequest, notFoundError } from "./errors.js";
import { lifecycleOf, type LifecycleState } from "./lifecycle.js";
import { ItemIdSource, categoryDisplayName, flattenItems, makeField } from "./standard-company.js";
import {
  SIM_FIELD_TYPES,
  type BobFieldJson,
  type CompanyData,
  type EmployeeRecord,
  type GeneratedScenarios,
  type ListItem,
  type NamedList,
  type SimField,
  type SimFieldType,
} from "./types.js";

/** Machine values keyed by field id; list fields accept an item id or an item name. */
export type EmployeeValues = Record<string, unknown>;

export interface MutationOptions {
  /** Bob employee id (or "system") put in the webhook envelope; defaults to the company admin. */
  triggeredBy?: string;
}

export interface TerminationInput {
  terminationDate: string;
  /** Item id or name in the terminationReason list. */
  terminationReason: string;
  /** Earlier than terminationDate => garden leave in between. */
  lastDayOfWork?: string;
  /** Item id or name in the lifecycleReasonType list. */
  terminationType?: string;
}

export interface EmployeeSnapshot {
  id: string;
  values: Readonly<Record<string, unknown>>;
  lifecycleStatus: LifecycleState["lifecycleStatus"];
  status: LifecycleState["status"];
}

export interface CreateFieldInput {
  name: string;
  type: SimFieldType;
  /** Omitted => work.custom.field_<ts>; "category_<ts>" => category_<ts>.field_<ts>; "root" => 400. */
  categoryId?: string;
  /** For list types: an existing list, or the name of one to create from `items`. */
  listId?: string;
  items?: string[];
  description?: string;
}

export interface CompanyControl {
  readonly companyId: number;
  /** Which generated employees exercise which lifecycle case / problem record. */
  readonly scenarios: GeneratedScenarios;
  today(): string;
  /** Moves the calendar; lifecycle transitions emit their webhook events (triggeredBy "system"). */
  setToday(date: string): void;
  employees(): EmployeeSnapshot[];
  employee(id: string): EmployeeSnapshot | undefined;
  createEmployee(values: EmployeeValues, opts?: MutationOptions): string;
  updateEmployee(id: string, values: EmployeeValues, opts?: MutationOptions): string;
  terminateEmployee(id: string, input: TerminationInput, opts?: MutationOptions): string;
  /** Clears the termination; optional new start date (a rehire). */
  reinstateEmployee(id: string, input?: { startDate?: string }, opts?: MutationOptions): string;
  deleteEmployee(id: string, opts?: MutationOptions): string;
  fields(): BobFieldJson[];
  createField(input: CreateFieldInput): BobFieldJson;
  deleteField(fieldId: string): void;
  namedLists(): NamedList[];
  addListItem(listName: string, input: { name: string; parentId?: string; archived?: boolean }): ListItem;
}

export interface CompanyEvent {
  type: string;
  triggeredBy: string;
  data: Record<string, unknown>;
}

export type EventSink = (events: CompanyEvent[]) => void;

/** Fields Bob computes; they cannot be written. */
const DERIVED_FIELDS = new Set([
  "root.id",
  "root.companyId",
  "root.fullName",
  "work.isManager",
  "work.directReports",
  "personal.shortBirthDate",
  "internal.status",
  "internal.lifecycleStatus",
]);
/** Columns of Bob's work history table: changing one adds a work table entry. */
const WORK_TABLE_FIELDS = new Set(["work.title", "work.department", "work.site", "work.manager"]);

const DEFAULT_ADMIN_ID = "3332883804594373380";

export class Company implements CompanyControl {
  readonly companyId: number;
  readonly scenarios: GeneratedScenarios;
  private readonly byId = new Map<string, EmployeeRecord>();
  private readonly fieldMap = new Map<string, SimField>();
  private readonly lists = new Map<string, NamedList>();
  private itemIndex = new Map<string, Map<string, ListItem>>();
  private emailIndex: Map<string, string[]> | null = null;
  private reportCounts: Map<string, number> | null = null;
  private lastTs = 0;
  private readonly itemIds: ItemIdSource;
  private nextEmployeeSerial: number;
  private currentToday: string;
  private sink: EventSink = () => {};

  constructor(data: CompanyData, today: string) {
    this.companyId = data.companyId;
    this.scenarios = data.scenarios;
    this.currentToday = today;
    for (const f of data.fields) this.fieldMap.set(f.id, f);
    for (const l of data.lists) this.lists.set(l.name, l);
    for (const e of data.employees) this.byId.set(e.id, e);
    const maxItem = Math.max(
      0,
      ...[...this.lists.values()].flatMap((l) => flattenItems(l.items).map((i) => Number(i.id) || 0)),
    );
    this.itemIds = new ItemIdSource(maxItem + 1);
    this.nextEmployeeSerial = 70_000_000_000 + data.employees.length;
    this.rebuildItemIndex();
  }

  setEventSink(sink: EventSink): void {
    this.sink = sink;
  }

  // ---- reads used by the API layer -------------------------------------------------------

  today(): string {
    return this.currentToday;
  }

  field(id: string): SimField | undefined {
    return this.fieldMap.get(id);
  }

  allFields(): Iterable<SimField> {
    return this.fieldMap.values();
  }

  record(id: string): EmployeeRecord | undefined {
    return this.byId.get(id);
  }

  records(): Iterable<EmployeeRecord> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  listItem(listId: string, itemId: string): ListItem | undefined {
    return this.itemIndex.get(listId)?.get(itemId);
  }

  list(name: string): NamedList | undefined {
    return this.lists.get(name);
  }

  /** The lists themselves (not copies): callers must not mutate them. */
  namedListsLive(): readonly NamedList[] {
    return [...this.lists.values()];
  }

  lifecycle(e: EmployeeRecord): LifecycleState {
    return lifecycleOf(e.values, this.currentToday);
  }

  idsByEmail(email: string): readonly string[] {
    if (!this.emailIndex) {
      this.emailIndex = new Map();
      for (const e of this.byId.values()) {
        const key = typeof e.values["root.email"] === "string" ? e.values["root.email"].toLowerCase() : null;
        if (key === null) continue;
        const ids = this.emailIndex.get(key);
        if (ids) ids.push(e.id);
        else this.emailIndex.set(key, [e.id]);
      }
    }
    return this.emailIndex.get(email.toLowerCase()) ?? [];
  }

  /** Direct reports per manager id, cached until the next mutation (keeps search O(N)). */
  directReports(id: string): number {
    if (!this.reportCounts) {
      this.reportCounts = new Map();
      for (const e of this.byId.values()) {
        const m = e.values["work.manager"];
        if (typeof m === "string") this.reportCounts.set(m, (this.reportCounts.get(m) ?? 0) + 1);
      }
    }
    return this.reportCounts.get(id) ?? 0;
  }

  // ---- CompanyControl reads --------------------------------------------------------------

  employees(): EmployeeSnapshot[] {
    return [...this.byId.values()].map((e) => this.snapshot(e));
  }

  employee(id: string): EmployeeSnapshot | undefined {
    const e = this.byId.get(id);
    return e ? this.snapshot(e) : undefined;
  }

  fields(): BobFieldJson[] {
    return [...this.fieldMap.values()].map(publicField);
  }

  namedLists(): NamedList[] {
    return structuredClone([...this.lists.values()]);
  }

  // ---- mutations -------------------------------------------------------------------------

  setToday(date: string): void {
    if (!isIsoDate(date)) throw badRequest(`today must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
    const before = new Map<string, LifecycleState>();
    for (const e of this.byId.values()) before.set(e.id, this.lifecycle(e));
    this.currentToday = date;
    const events: CompanyEvent[] = [];
    for (const e of this.byId.values()) {
      events.push(...lifecycleEvents(e.id, before.get(e.id) ?? null, this.lifecycle(e), date, "system"));
    }
    this.emit(events);
  }

  createEmployee(values: EmployeeValues, opts: MutationOptions = {}): string {
    const id = this.newEmployeeId();
    const clean = this.validateValues(values);
    const record: EmployeeRecord = {
      id,
      values: {
        "root.displayName": null,
        "root.creationDateTime": null,
        "work.startDate": this.currentToday,
        ...clean,
      },
    };
    const v = record.values;
    if (v["root.displayName"] === null)
      v["root.displayName"] = [v["root.firstName"], v["root.surname"]].filter((x) => typeof x === "string").join(" ");
    if (v["root.creationDateTime"] === null) v["root.creationDateTime"] = new Date().toISOString().slice(0, 23) + "000";
    if (v["work.originalStartDate"] === undefined) v["work.originalStartDate"] = v["work.startDate"];
    this.byId.set(id, record);
    this.invalidate();
    const by = this.by(opts);
    const start = String(v["work.startDate"]);
    const after = this.lifecycle(record);
    this.emit([
      { type: "employee.created", triggeredBy: by, data: { employeeId: id } },
      { type: "table.entry.created", triggeredBy: by, data: { employeeId: id, tableId: "work", effectiveDate: start } },
      {
        type: "table.entry.created",
        triggeredBy: by,
        data: { employeeId: id, tableId: "lifecycle", effectiveDate: start },
      },
      ...(after.lifecycleStatus === "employed"
        ? [{ type: "employee.joined", triggeredBy: by, data: { employeeId: id, effectiveDate: start } }]
        : []),
    ]);
    return id;
  }

  updateEmployee(id: string, values: EmployeeValues, opts: MutationOptions = {}): string {
    const e = this.mustGet(id);
    const clean = this.validateValues(values);
    const before = this.lifecycle(e);
    const changed: string[] = [];
    for (const [k, v] of Object.entries(clean)) {
      if (JSON.stringify(e.values[k] ?? null) !== JSON.stringify(v ?? null)) changed.push(k);
      e.values[k] = v;
    }
    if (changed.length === 0) return id;
    this.invalidate();
    const by = this.by(opts);
    const fieldUpdates = changed.includes("work.manager") ? [...changed, "work.reportsTo"] : changed;
    const events: CompanyEvent[] = [
      { type: "employee.updated", triggeredBy: by, data: { employeeId: id, fieldUpdates } },
    ];
    if (changed.some((k) => WORK_TABLE_FIELDS.has(k))) {
      events.push({
        type: "table.entry.created",
        triggeredBy: by,
        data: { employeeId: id, tableId: "work", effectiveDate: this.currentToday },
      });
    }
    if (changed.includes("payroll.employment.type")) {
      events.push({
        type: "table.entry.created",
        triggeredBy: by,
        data: { employeeId: id, tableId: "employment", effectiveDate: this.currentToday },
      });
    }
    events.push(...lifecycleEvents(id, before, this.lifecycle(e), this.currentToday, by));
    this.emit(events);
    return id;
  }

  terminateEmployee(id: string, input: TerminationInput, opts: MutationOptions = {}): string {
    const e = this.mustGet(id);
    if (!isIsoDate(input.terminationDate)) throw badRequest("terminationDate must be YYYY-MM-DD");
    if (input.lastDayOfWork !== undefined && !isIsoDate(input.lastDayOfWork))
      throw badRequest("lastDayOfWork must be YYYY-MM-DD");
    if (input.lastDayOfWork !== undefined && input.lastDayOfWork > input.terminationDate) {
      throw badRequest("lastDayOfWork cannot be after terminationDate");
    }
    const reason = this.resolveItem("terminationReason", input.terminationReason, "terminationReason");
    const type =
      input.terminationType === undefined
        ? null
        : this.resolveItem("lifecycleReasonType", input.terminationType, "terminationType");
    const before = this.lifecycle(e);
    const wasTerminating = typeof e.values["internal.terminationDate"] === "string";
    e.values["internal.terminationDate"] = input.terminationDate;
    e.values["internal.terminationReason"] = reason;
    e.values["internal.terminationType"] = type;
    e.values["employee.lastDayOfWork"] = input.lastDayOfWork ?? input.terminationDate;
    this.invalidate();
    const by = this.by(opts);
    const events: CompanyEvent[] = [
      {
        type: wasTerminating ? "table.entry.updated" : "table.entry.created",
        triggeredBy: by,
        data: { employeeId: id, tableId: "lifecycle", effectiveDate: input.terminationDate },
      },
      {
        type: "employee.updated",
        triggeredBy: by,
        data: {
          employeeId: id,
          fieldUpdates: [
            "internal.terminationDate",
            "internal.terminationReason",
            "internal.terminationType",
            "employee.lastDayOfWork",
          ],
        },
      },
      ...lifecycleEvents(id, before, this.lifecycle(e), this.currentToday, by),
    ];
    this.emit(events);
    return id;
  }

  reinstateEmployee(id: string, input: { startDate?: string } = {}, opts: MutationOptions = {}): string {
    const e = this.mustGet(id);
    if (input.startDate !== undefined && !isIsoDate(input.startDate)) throw badRequest("startDate must be YYYY-MM-DD");
    const before = this.lifecycle(e);
    e.values["internal.terminationDate"] = null;
    e.values["internal.terminationReason"] = null;
    e.values["internal.terminationType"] = null;
    e.values["employee.lastDayOfWork"] = null;
    const fieldUpdates = [
      "internal.terminationDate",
      "internal.terminationReason",
      "internal.terminationType",
      "employee.lastDayOfWork",
    ];
    if (input.startDate !== undefined) {
      e.values["work.startDate"] = input.startDate;
      fieldUpdates.push("work.startDate");
    }
    this.invalidate();
    const by = this.by(opts);
    this.emit([
      {
        type: "table.entry.created",
        triggeredBy: by,
        data: { employeeId: id, tableId: "lifecycle", effectiveDate: input.startDate ?? this.currentToday },
      },
      { type: "employee.updated", triggeredBy: by, data: { employeeId: id, fieldUpdates } },
      ...lifecycleEvents(id, before, this.lifecycle(e), this.currentToday, by),
    ]);
    return id;
  }

  deleteEmployee(id: string, opts: MutationOptions = {}): string {
    this.mustGet(id);
    this.byId.delete(id);
    this.invalidate();
    this.emit([{ type: "employee.deleted", triggeredBy: this.by(opts), data: { employeeId: id } }]);
    return id;
  }

  createField(input: CreateFieldInput): BobFieldJson {
    if (typeof input.name !== "string" || input.name.trim() === "") throw badRequest("name is required");
    if (!SIM_FIELD_TYPES.includes(input.type)) throw badRequest(`Unsupported field type ${JSON.stringify(input.type)}`);
    const categoryId = input.categoryId ?? "work";
    if (categoryId === "root") throw badRequest("Fields cannot be created in the root category");
    const key = `field_${this.timestamp()}`;
    const id = categoryId.startsWith("category_") ? `${categoryId}.${key}` : `${categoryId}.custom.${key}`;
    let listId: string | undefined;
    if (input.type === "list" || input.type === "multi-list" || input.type === "hierarchy-list") {
      listId = input.listId ?? `${input.name.replace(/\s+/g, "")}List`;
      if (!this.lists.has(listId)) {
        this.lists.set(listId, { name: listId, items: (input.items ?? []).map((name) => this.newItem(name)) });
        this.rebuildItemIndex();
      }
    }
    const existing = [...this.fieldMap.values()].find((f) => f.categoryId === categoryId);
    const field = makeField({
      id,
      name: input.name,
      type: input.type,
      categoryId,
      categoryDisplayName:
        existing?.categoryDisplayName ??
        (categoryId.startsWith("category_") ? "Custom category" : categoryDisplayName(categoryId)),
      jsonPath: id,
      ...(listId ? { listId } : {}),
      custom: true,
      description: input.description ?? null,
    });
    this.fieldMap.set(id, field);
    return publicField(field);
  }

  deleteField(fieldId: string): void {
    const f = this.fieldMap.get(fieldId);
    if (!f) throw notFoundError(`Field ${fieldId} not found`);
    if (!f.custom) throw badRequest(`Field ${fieldId} is a standard field and cannot be deleted`);
    this.fieldMap.delete(fieldId);
    for (const e of this.byId.values()) delete e.values[fieldId];
  }

  addListItem(listName: string, input: { name: string; parentId?: string; archived?: boolean }): ListItem {
    const list = this.lists.get(listName);
    if (!list) throw notFoundError(`List ${listName} not found`);
    if (typeof input.name !== "string" || input.name.trim() === "") throw badRequest("name is required");
    let siblings = list.items;
    if (input.parentId !== undefined) {
      const parent = this.listItem(listName, input.parentId);
      if (!parent) throw notFoundError(`Item ${input.parentId} not found in list ${listName}`);
      siblings = parent.children;
    }
    if (siblings.some((i) => i.name === input.name))
      throw new SimError(409, "conflict", `Item ${input.name} already exists`);
    const created = this.newItem(input.name, input.archived ?? false);
    siblings.push(created);
    this.rebuildItemIndex();
    return structuredClone(created);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private emit(events: CompanyEvent[]): void {
    if (events.length > 0) this.sink(events);
  }

  private by(opts: MutationOptions): string {
    return opts.triggeredBy ?? this.scenarios.ceoId ?? DEFAULT_ADMIN_ID;
  }

  private snapshot(e: EmployeeRecord): EmployeeSnapshot {
    const lc = this.lifecycle(e);
    return { id: e.id, values: { ...e.values }, lifecycleStatus: lc.lifecycleStatus, status: lc.status };
  }

  private mustGet(id: string): EmployeeRecord {
    const e = this.byId.get(id);
    if (!e) throw notFoundError(`Employee ${id} not found`);
    return e;
  }

  private invalidate(): void {
    this.emailIndex = null;
    this.reportCounts = null;
  }

  private timestamp(): number {
    this.lastTs = Math.max(Date.now(), this.lastTs + 1);
    return this.lastTs;
  }

  private newEmployeeId(): string {
    this.nextEmployeeSerial += 1;
    return `33328838${String(this.nextEmployeeSerial).padStart(11, "0")}`;
  }

  private newItem(name: string, archived = false): ListItem {
    return { id: this.itemIds.take(), name, value: name, archived, children: [] };
  }

  private rebuildItemIndex(): void {
    this.itemIndex = new Map();
    for (const l of this.lists.values())
      this.itemIndex.set(l.name, new Map(flattenItems(l.items).map((i) => [i.id, i])));
  }

  private resolveItem(listName: string, idOrName: unknown, what: string): string {
    if (typeof idOrName !== "string" && typeof idOrName !== "number")
      throw badRequest(`${what} must be a list item id or name`);
    const key = String(idOrName);
    const index = this.itemIndex.get(listName);
    if (index?.has(key)) return key;
    for (const i of index?.values() ?? []) if (i.name === key) return i.id;
    throw badRequest(`${what}: ${JSON.stringify(key)} is not an item of list ${listName}`);
  }

  /** Checks writable field ids and value types; converts list names to item ids. */
  private validateValues(values: EmployeeValues): EmployeeValues {
    if (typeof values !== "object" || values === null || Array.isArray(values))
      throw badRequest("values must be an object keyed by field id");
    const out: EmployeeValues = {};
    for (const [rawKey, v] of Object.entries(values)) {
      const key = rawKey === "work.reportsTo" ? "work.manager" : rawKey;
      if (DERIVED_FIELDS.has(key)) throw badRequest(`${rawKey} is calculated by Bob and cannot be set`);
      const f = this.fieldMap.get(key);
      if (!f) throw badRequest(`Unknown field ${rawKey}`);
      out[key] = v === null ? null : this.checkValue(f, v);
    }
    return out;
  }

  private checkValue(f: SimField, v: unknown): unknown {
    const fail = (): never => {
      throw badRequest(`Invalid value for ${f.id} (${f.type}): ${JSON.stringify(v)}`);
    };
    switch (f.type) {
      case "text":
      case "text-area":
      case "time":
        return typeof v === "string" ? v : fail();
      case "number":
      case "document":
        return typeof v === "number" && Number.isFinite(v) ? v : fail();
      case "boolean":
        return typeof v === "boolean" ? v : fail();
      case "date":
        return isIsoDate(v) ? v : fail();
      case "short-date":
        return typeof v === "string" && /^\d{2}-\d{2}$/.test(v) ? v : fail();
      case "list":
      case "hierarchy-list":
        return this.resolveItem(f.typeData.listId ?? "", v, f.id);
      case "multi-list":
        return Array.isArray(v) ? v.map((x) => this.resolveItem(f.typeData.listId ?? "", x, f.id)) : fail();
      case "currency": {
        const c = v as { value?: unknown; currency?: unknown };
        return typeof c === "object" && c !== null && typeof c.value === "number" && typeof c.currency === "string"
          ? { value: c.value, currency: c.currency }
          : fail();
      }
      case "employee-reference":
        if (typeof v !== "string") return fail();
        if (!this.byId.has(v as string)) throw badRequest(`${f.id}: employee ${String(v)} not found`);
        return v;
    }
  }
}

export function publicField(f: SimField): BobFieldJson {
  const { custom: _custom, ...json } = f;
  return { ...json, typeData: { ...json.typeData } };
}

/** The lifecycle webhooks Bob fires when a person's derived state changes. */
export function lifecycleEvents(
  employeeId: string,
  before: LifecycleState | null,
  after: LifecycleState,
  effectiveDate: string,
  triggeredBy: string,
): CompanyEvent[] {
  const out: CompanyEvent[] = [];
  const ev = (type: string): CompanyEvent => ({ type, triggeredBy, data: { employeeId, effectiveDate } });
  if (before === null) return out;
  const b = before.lifecycleStatus;
  const a = after.lifecycleStatus;
  if (b === "hired" && (a === "employed" || a === "garden leave")) out.push(ev("employee.joined"));
  // "left" fires once: at garden leave or at termination, whichever comes first.
  if ((b === "employed" || b === "hired") && (a === "garden leave" || a === "terminated"))
    out.push(ev("employee.left"));
  if (before.status === "Active" && after.status === "Inactive") out.push(ev("employee.inactivated"));
  if (before.status === "Inactive" && after.status === "Active") out.push(ev("employee.activated"));
  return out;
}
