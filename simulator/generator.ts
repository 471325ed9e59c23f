/**
 * Pure, seeded generator of a realistic Bob company: a manager tree, list-backed work fields,
 * every lifecycle case, custom fields of every Bob type, and a few deliberately broken records
 * (missing first name, duplicate email, reporting cycle) so importers meet their issue paths.
 * Same seed + size + today => identical output.
 */
import { addDays, bobTimestamp } from "./dates.js";
import { createRng, type Rng } from "./prng.js";
import { ItemIdSource, flattenItems, item, makeField, standardFields, standardLists } from "./standard-company.js";
import type {
  CompanyData,
  EmployeeRecord,
  GeneratedScenarios,
  ListItem,
  NamedList,
  SimField,
  SimFieldType,
} from "./types.js";

export interface GenerateOptions {
  seed: number;
  employees: number;
  /** YYYY-MM-DD: dates are spread around it. */
  today: string;
  /** Replaces the seed's company id (a fleet needs distinct ids); the rest of the output is unchanged. */
  companyId?: number;
}

const FIRST_NAMES = [
  "Emma",
  "Liam",
  "Olivia",
  "Noah",
  "Ava",
  "Elijah",
  "Sophia",
  "Lucas",
  "Mia",
  "Mateo",
  "Amelia",
  "Oliver",
  "Isabella",
  "Leo",
  "Charlotte",
  "Ethan",
  "Harper",
  "Aiden",
  "Freja",
  "Magnus",
  "Ida",
  "William",
  "Nora",
  "Oscar",
  "Astrid",
  "Hugo",
  "Yara",
  "Omar",
  "Priya",
  "Arjun",
  "Mei",
  "Hiroshi",
  "Sakura",
  "Chen",
  "Fatima",
  "Ali",
  "Zoe",
  "Felix",
  "Lea",
  "Jonas",
  "Sofia",
  "Mohammed",
  "Aisha",
  "David",
  "Sarah",
  "Daniel",
  "Hannah",
  "Noa",
  "Tamar",
  "Yosef",
  "Maria",
  "José",
  "Lucía",
  "Pablo",
  "Chloé",
  "Louis",
  "Inès",
  "Björn",
  "Siobhán",
  "Zoë",
];
const SURNAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Nielsen",
  "Jensen",
  "Hansen",
  "Pedersen",
  "Andersen",
  "Larsen",
  "Schmidt",
  "Müller",
  "Schneider",
  "Fischer",
  "Weber",
  "Cohen",
  "Levi",
  "Mizrahi",
  "Patel",
  "Sharma",
  "Singh",
  "Wang",
  "Li",
  "Zhang",
  "Kim",
  "Park",
  "Nguyen",
  "Tanaka",
  "Suzuki",
  "Rossi",
  "Russo",
  "Dubois",
  "Lefebvre",
  "O'Brien",
  "Murphy",
  "Kowalski",
  "Nowak",
  "Silva",
  "Santos",
  "Costa",
  "Ahmed",
  "Khan",
  "Okafor",
  "Van der Berg",
];

const EMPLOYEE_ID_PREFIX = "33328838";

/** Custom fields, one per Bob type (plus a fraction-valued number and a duplicate name). */
interface CustomSpec {
  name: string;
  type: SimFieldType;
  listId?: string;
  /** "category" = the custom category, "work" = work.custom.field_<ts>. */
  place: "category" | "work";
}
const CUSTOM_SPECS: readonly CustomSpec[] = [
  { name: "Nickname", type: "text", place: "category" },
  { name: "Bio notes", type: "text-area", place: "category" },
  { name: "Desk number", type: "number", place: "work" },
  { name: "FTE", type: "number", place: "work" },
  { name: "Last promotion date", type: "date", place: "work" },
  { name: "Name day", type: "short-date", place: "category" },
  { name: "Remote worker", type: "boolean", place: "work" },
  { name: "Last badge scan", type: "time", place: "category" },
  { name: "T-shirt size", type: "list", listId: "tshirtSize", place: "category" },
  { name: "Skills", type: "multi-list", listId: "skills", place: "category" },
  { name: "Cost center", type: "hierarchy-list", listId: "Cost center", place: "work" },
  { name: "Annual bonus", type: "currency", place: "category" },
  { name: "Mentor", type: "employee-reference", place: "work" },
  { name: "Signed contract", type: "document", place: "category" },
  // Same name as another Bob field: the mapping report must explain the clash.
  { name: "Nickname", type: "text", place: "work" },
];

function customLists(ids: ItemIdSource): NamedList[] {
  return [
    { name: "tshirtSize", items: ["XS", "S", "M", "L", "XL"].map((s) => item(ids, s)) },
    {
      name: "skills",
      items: ["TypeScript", "Negotiation", "Public speaking", "SQL", "Design", "Accounting"].map((s) => item(ids, s)),
    },
    {
      name: "Cost center",
      items: [
        item(ids, "CC-100 Headquarters", [item(ids, "CC-110 Executive"), item(ids, "CC-120 Finance")]),
        item(ids, "CC-200 R&D", [item(ids, "CC-210 Platform"), item(ids, "CC-220 Product")]),
        item(ids, "CC-300 Go-to-market", [item(ids, "CC-310 Sales"), item(ids, "CC-320 Marketing")]),
      ],
    },
  ];
}

function customFields(rng: Rng): SimField[] {
  const categoryTs = 1720508362305 + rng.int(0, 1_000_000);
  const categoryId = `category_${categoryTs}`;
  let ts = categoryTs + rng.int(1000, 100_000);
  return CUSTOM_SPECS.map((spec) => {
    ts += rng.int(1000, 90_000_000);
    const fieldKey = `field_${ts}`;
    const id = spec.place === "category" ? `${categoryId}.${fieldKey}` : `work.custom.${fieldKey}`;
    return makeField({
      id,
      name: spec.name,
      type: spec.type,
      categoryId: spec.place === "category" ? categoryId : "work",
      categoryDisplayName: spec.place === "category" ? "Peakon extras" : "Work",
      jsonPath: id,
      ...(spec.listId ? { listId: spec.listId } : {}),
      custom: true,
    });
  });
}

function listByName(lists: readonly NamedList[], name: string): NamedList {
  const found = lists.find((l) => l.name === name);
  if (!found) throw new Error(`generator: list ${name} missing`);
  return found;
}

function leafItems(items: readonly ListItem[]): ListItem[] {
  return flattenItems(items).filter((i) => i.children.length === 0 && !i.archived);
}

function customValue(
  rng: Rng,
  field: SimField,
  lists: readonly NamedList[],
  today: string,
  allIds: readonly string[],
): unknown {
  const listItems = (): ListItem[] => leafItems(listByName(lists, field.typeData.listId ?? "").items);
  switch (field.type) {
    case "text":
      return rng.pick(["Ace", "Buddy", "Doc", "Sunny", "Max", "Kiki", "Jo"]);
    case "text-area":
      return `Joined from ${rng.pick(["a startup", "a bank", "university", "an agency"])}.\nLikes ${rng.pick(["hiking", "chess", "cooking", "cycling"])}.`;
    case "number":
      return field.name === "FTE" ? rng.pick([1, 1, 1, 0.8, 0.6, 0.5]) : rng.int(1, 400);
    case "date":
      return addDays(today, -rng.int(10, 2000));
    case "short-date":
      return `${String(rng.int(1, 12)).padStart(2, "0")}-${String(rng.int(1, 28)).padStart(2, "0")}`;
    case "boolean":
      return rng.chance(0.4);
    case "time":
      return bobTimestamp(
        Date.parse(`${addDays(today, -rng.int(0, 30))}T00:00:00Z`) + rng.int(0, 86_399_999),
        rng.int(0, 999),
      );
    case "list":
    case "hierarchy-list":
      return rng.pick(listItems()).id;
    case "multi-list": {
      const items = rng.shuffle(listItems().slice());
      return items.slice(0, rng.int(1, 3)).map((i) => i.id);
    }
    case "currency":
      return { value: rng.int(10, 200) * 100, currency: rng.pick(["USD", "EUR", "GBP", "DKK"]) };
    case "employee-reference":
      return allIds.length > 0 ? rng.pick(allIds) : null;
    case "document":
      return rng.int(100_000, 999_999);
  }
}

function emptyScenarios(): GeneratedScenarios {
  return {
    ceoId: null,
    futureHires: [],
    leavers: [],
    leaving: [],
    gardenLeave: [],
    reinstated: [],
    missingFirstName: [],
    duplicateEmail: [],
    reportingCycle: [],
  };
}

/** Smallest company that gets every lifecycle case and problem record. */
export const MIN_EMPLOYEES_FOR_SCENARIOS = 30;

/** The company id generateCompany derives from a seed, without generating the company. */
export function generatedCompanyId(seed: number): number {
  const rng = createRng(seed);
  rng.int(0, 9999);
  return 600_000 + rng.int(0, 99_999);
}

export function generateCompany(opts: GenerateOptions): CompanyData {
  const rng = createRng(opts.seed);
  const ids = new ItemIdSource(209_190_000 + rng.int(0, 9999));
  // Drawn even when overridden, so the rest of the company is the same as without the override.
  const seededCompanyId = 600_000 + rng.int(0, 99_999);
  const companyId = opts.companyId ?? seededCompanyId;
  const fields = standardFields();
  const lists = standardLists(ids);
  const n = Math.max(0, Math.floor(opts.employees));
  const scenarios = emptyScenarios();
  if (n === 0) return { companyId, fields, lists, employees: [], scenarios };

  lists.push(...customLists(ids));
  const custom = customFields(rng);
  fields.push(...custom);

  const today = opts.today;
  const employeeIds: string[] = new Array<string>(n);
  let counter = rng.int(10_000_000_000, 20_000_000_000);
  for (let i = 0; i < n; i++) {
    counter += rng.int(1, 9999);
    employeeIds[i] = `${EMPLOYEE_ID_PREFIX}${String(counter).padStart(11, "0")}`;
  }

  // Manager tree, breadth first: each manager takes 5-8 reports before the next one starts.
  const managerIdx = new Int32Array(n).fill(-1);
  const reportCount = new Int32Array(n);
  let head = 0;
  let budget = rng.int(5, 8);
  for (let i = 1; i < n; i++) {
    if (reportCount[head]! >= budget) {
      head++;
      budget = rng.int(5, 8);
    }
    managerIdx[i] = head;
    reportCount[head]!++;
  }

  // Divisions follow the tree: the CEO's direct reports each lead one, their subtrees inherit it.
  const departmentList = listByName(lists, "department").items.filter((d) => !d.archived);
  const divisionOf = new Int32Array(n).fill(-1);
  let nextDivision = 0;
  const siteItems = leafItems(listByName(lists, "site").items);
  const titleItems = leafItems(listByName(lists, "title").items);
  const ceoTitle = titleItems[0]!;
  const otherTitles = titleItems.slice(1);
  const employmentTypes = leafItems(listByName(lists, "employmentType").items);
  const emailsSeen = new Map<string, number>();
  const employees: EmployeeRecord[] = new Array<EmployeeRecord>(n);
  const creationBase = Date.parse(`${today}T09:00:00Z`);

  for (let i = 0; i < n; i++) {
    const m = managerIdx[i]!;
    if (i === 0) divisionOf[i] = -1;
    else if (m === 0) divisionOf[i] = nextDivision++ % departmentList.length;
    else divisionOf[i] = divisionOf[m]!;
    const division = divisionOf[i]! >= 0 ? departmentList[divisionOf[i]!] : undefined;
    const department =
      division === undefined
        ? departmentList[0]!
        : m === 0 || division.children.length === 0
          ? division
          : rng.pick(division.children);

    const firstName = rng.pick(FIRST_NAMES);
    const surname = rng.pick(SURNAMES);
    const local = `${firstName}.${surname}`
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z.]/g, "");
    const seen = emailsSeen.get(local) ?? 0;
    emailsSeen.set(local, seen + 1);
    const email = `${local}${seen === 0 ? "" : seen + 1}@acme.example`;
    const startDate = i === 0 ? addDays(today, -3650) : addDays(today, -rng.int(30, 3650));
    const genderRoll = rng.next();
    const values: Record<string, unknown> = {
      "root.firstName": firstName,
      "root.surname": surname,
      "root.secondName": rng.chance(0.1) ? rng.pick(FIRST_NAMES) : null,
      "root.email": email,
      "root.displayName": `${firstName} ${surname}`,
      "root.avatarUrl": `https://images.acme.example/avatars/${employeeIds[i]}.png`,
      "root.creationDateTime": bobTimestamp(creationBase - rng.int(0, 3650) * 86_400_000, rng.int(0, 999)),
      "about.about": rng.chance(0.3) ? "Happy to help." : null,
      "work.title": (i === 0 ? ceoTitle : rng.pick(otherTitles)).id,
      "work.department": department.id,
      "work.site": rng.pick(siteItems).id,
      "work.startDate": startDate,
      "work.originalStartDate": startDate,
      "work.manager": m >= 0 ? employeeIds[m]! : null,
      "work.employeeIdInCompany": 1000 + i,
      "payroll.employment.type": rng.chance(0.85) ? employmentTypes[0]!.id : rng.pick(employmentTypes).id,
      "personal.birthDate": addDays(today, -rng.int(20 * 365, 65 * 365)),
      "home.legalGender":
        genderRoll < 0.48 ? "Female" : genderRoll < 0.96 ? "Male" : genderRoll < 0.98 ? "Non-binary" : null,
      "internal.terminationDate": null,
      "internal.terminationReason": null,
      "internal.terminationType": null,
      "employee.lastDayOfWork": null,
    };
    for (const f of custom) {
      if (rng.chance(0.7)) values[f.id] = customValue(rng, f, lists, today, employeeIds);
    }
    employees[i] = { id: employeeIds[i]!, values };
  }
  scenarios.ceoId = employeeIds[0]!;

  if (n >= MIN_EMPLOYEES_FOR_SCENARIOS) {
    applyScenarios(rng, employees, reportCount, lists, today, scenarios);
  }
  return { companyId, fields, lists, employees, scenarios };
}

/** Turns some individual contributors into lifecycle cases and problem records. */
function applyScenarios(
  rng: Rng,
  employees: EmployeeRecord[],
  reportCount: Int32Array,
  lists: readonly NamedList[],
  today: string,
  s: GeneratedScenarios,
): void {
  const n = employees.length;
  const pool: EmployeeRecord[] = rng.shuffle(employees.filter((_, i) => i > 0 && reportCount[i] === 0));
  const take = (count: number): EmployeeRecord[] => pool.splice(0, Math.min(count, pool.length));
  const reasons = leafItems(listByName(lists, "terminationReason").items);
  const reasonTypes = leafItems(listByName(lists, "lifecycleReasonType").items);
  const terminate = (e: EmployeeRecord, terminationDate: string, lastDayOfWork: string): void => {
    e.values["internal.terminationDate"] = terminationDate;
    e.values["internal.terminationReason"] = rng.pick(reasons).id;
    e.values["internal.terminationType"] = rng.pick(reasonTypes).id;
    e.values["employee.lastDayOfWork"] = lastDayOfWork;
  };
  const count = (share: number, min = 1): number => Math.max(min, Math.round(share * n));

  for (const e of take(count(0.03))) {
    const start = addDays(today, rng.int(1, 90));
    e.values["work.startDate"] = start;
    e.values["work.originalStartDate"] = start;
    s.futureHires.push(e.id);
  }
  for (const e of take(count(0.05))) {
    const termination = addDays(today, -rng.int(1, 700));
    const start = addDays(termination, -rng.int(100, 2000));
    e.values["work.startDate"] = start;
    e.values["work.originalStartDate"] = start;
    terminate(e, termination, termination);
    s.leavers.push(e.id);
  }
  for (const e of take(count(0.02))) {
    const termination = addDays(today, rng.int(1, 60));
    terminate(e, termination, termination);
    s.leaving.push(e.id);
  }
  for (const e of take(count(0.01))) {
    terminate(e, addDays(today, rng.int(10, 60)), addDays(today, -rng.int(1, 20)));
    s.gardenLeave.push(e.id);
  }
  // Reinstated (rehired): an earlier spell of employment, termination cleared, new start date.
  for (const e of take(count(0.005, 2))) {
    e.values["work.originalStartDate"] = addDays(today, -rng.int(2000, 3000));
    e.values["work.startDate"] = addDays(today, -rng.int(30, 900));
    s.reinstated.push(e.id);
  }
  for (const e of take(1)) {
    e.values["root.firstName"] = null;
    e.values["root.displayName"] = e.values["root.surname"];
    s.missingFirstName.push(e.id);
  }
  const dup = take(2);
  if (dup.length === 2) {
    dup[1]!.values["root.email"] = dup[0]!.values["root.email"];
    s.duplicateEmail.push(dup[0]!.id, dup[1]!.id);
  }
  const cycle = take(2);
  if (cycle.length === 2) {
    cycle[0]!.values["work.manager"] = cycle[1]!.id;
    cycle[1]!.values["work.manager"] = cycle[0]!.id;
    s.reportingCycle.push(cycle[0]!.id, cycle[1]!.id);
  }
}
