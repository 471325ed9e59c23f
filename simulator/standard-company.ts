/**
 * The fields and named lists every Bob company has out of the box. Item ids are numeric
 * strings like Bob's ("209192163"), drawn from a seeded counter so runs are reproducible.
 */
import type { ListItem, NamedList, SimField, SimFieldType } from "./types.js";

const CATEGORY_NAMES: Record<string, string> = {
  root: "Basic info",
  about: "About",
  work: "Work",
  employment: "Employment",
  personal: "Personal",
  home: "Home",
  internal: "Internal",
  employee: "Employee",
};

interface FieldSpec {
  id: string;
  name: string;
  type: SimFieldType;
  listId?: string;
  historical?: boolean;
  categoryId?: string;
}

const STANDARD_FIELDS: readonly FieldSpec[] = [
  { id: "root.id", name: "Employee ID (Bob)", type: "text" },
  { id: "root.companyId", name: "Company ID", type: "number" },
  { id: "root.firstName", name: "First name", type: "text" },
  { id: "root.surname", name: "Last name", type: "text" },
  { id: "root.secondName", name: "Middle name", type: "text" },
  { id: "root.fullName", name: "Full name", type: "text" },
  { id: "root.displayName", name: "Display name", type: "text" },
  { id: "root.email", name: "Email", type: "text" },
  { id: "root.avatarUrl", name: "Avatar URL", type: "text" },
  { id: "root.creationDateTime", name: "Creation date time", type: "time" },
  { id: "about.about", name: "About", type: "text-area" },
  { id: "work.title", name: "Job title", type: "list", listId: "title", historical: true },
  { id: "work.department", name: "Department", type: "hierarchy-list", listId: "department", historical: true },
  { id: "work.site", name: "Site", type: "list", listId: "site", historical: true },
  { id: "work.startDate", name: "Start date", type: "date" },
  { id: "work.originalStartDate", name: "Original start date", type: "date" },
  { id: "work.reportsTo", name: "Reports to", type: "employee-reference", historical: true },
  { id: "work.manager", name: "Manager", type: "employee-reference", historical: true },
  { id: "work.isManager", name: "Is manager", type: "boolean" },
  { id: "work.directReports", name: "Direct reports", type: "number" },
  { id: "work.employeeIdInCompany", name: "Employee ID", type: "number" },
  {
    id: "payroll.employment.type",
    name: "Employment status",
    type: "list",
    listId: "employmentType",
    historical: true,
    categoryId: "employment",
  },
  { id: "personal.birthDate", name: "Birth date", type: "date" },
  { id: "personal.shortBirthDate", name: "Birthday", type: "short-date" },
  { id: "home.legalGender", name: "Legal gender", type: "text" },
  { id: "internal.status", name: "Status", type: "text" },
  { id: "internal.lifecycleStatus", name: "Lifecycle status", type: "text", historical: true },
  { id: "internal.terminationDate", name: "Termination date", type: "date" },
  { id: "internal.terminationReason", name: "Termination reason", type: "list", listId: "terminationReason" },
  { id: "internal.terminationType", name: "Termination type", type: "list", listId: "lifecycleReasonType" },
  { id: "employee.lastDayOfWork", name: "Last day of work", type: "date" },
];

export function categoryDisplayName(categoryId: string): string {
  return CATEGORY_NAMES[categoryId] ?? categoryId;
}

export function makeField(spec: {
  id: string;
  name: string;
  type: SimFieldType;
  categoryId: string;
  categoryDisplayName: string;
  jsonPath: string;
  listId?: string;
  historical?: boolean;
  custom: boolean;
  description?: string | null;
}): SimField {
  return {
    id: spec.id,
    name: spec.name,
    category: spec.categoryId,
    categoryId: spec.categoryId,
    categoryDisplayName: spec.categoryDisplayName,
    description: spec.description ?? null,
    jsonPath: spec.jsonPath,
    type: spec.type,
    typeData: spec.listId ? { listId: spec.listId } : {},
    historical: spec.historical ?? false,
    custom: spec.custom,
  };
}

export function standardFields(): SimField[] {
  return STANDARD_FIELDS.map((s) => {
    const categoryId = s.categoryId ?? s.id.split(".")[0] ?? "root";
    return makeField({
      id: s.id,
      name: s.name,
      type: s.type,
      categoryId,
      categoryDisplayName: categoryDisplayName(categoryId),
      // Root fields sit at the top of the employee object (Bob's jsonPath "firstName").
      jsonPath: s.id.startsWith("root.") ? s.id.slice(5) : s.id,
      ...(s.listId ? { listId: s.listId } : {}),
      historical: s.historical ?? false,
      custom: false,
    });
  });
}

/** Hands out unique numeric item ids. */
export class ItemIdSource {
  constructor(private next: number) {}
  take(): string {
    this.next += 1 + (this.next % 7);
    return String(this.next);
  }
}

export function item(ids: ItemIdSource, name: string, children: ListItem[] = [], archived = false): ListItem {
  return { id: ids.take(), name, value: name, archived, children };
}

/** Department hierarchy: top-level divisions with their departments as children. */
export const DEPARTMENTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["Engineering", ["Platform", "Mobile", "Data", "Quality Assurance"]],
  ["Sales", ["EMEA Sales", "North America Sales", "Sales Operations"]],
  ["Customer Success", ["Support", "Onboarding"]],
  ["Finance", ["Accounting", "Account Receivables", "Payroll"]],
  ["People", ["Recruiting", "People Operations"]],
  ["Marketing", ["Brand", "Growth"]],
  ["Product", ["Product Management", "Design"]],
  ["Legal", []],
];

export const SITES = ["London", "New York", "Copenhagen", "Berlin", "Tel Aviv", "Sydney", "Remote"];

export const TITLES = [
  "Chief Executive Officer",
  "VP Engineering",
  "Engineering Manager",
  "Senior Software Engineer",
  "Software Engineer",
  "Staff Engineer",
  "QA Engineer",
  "Data Scientist",
  "Data Engineer",
  "VP Sales",
  "Account Executive",
  "Sales Development Representative",
  "Sales Operations Analyst",
  "Customer Success Manager",
  "Support Specialist",
  "Onboarding Specialist",
  "Finance Director",
  "Accountant",
  "Payroll Specialist",
  "Head of People",
  "Recruiter",
  "People Partner",
  "Marketing Manager",
  "Content Writer",
  "Growth Marketer",
  "Product Manager",
  "Product Designer",
  "General Counsel",
  "Office Manager",
];

export const TERMINATION_REASONS = [
  "Resignation",
  "Dismissal",
  "Redundancy",
  "End of contract",
  "Retirement",
  "Relocation",
];
export const EMPLOYMENT_TYPES = ["Full-time", "Part-time", "Contractor", "Intern", "Temporary"];

export function standardLists(ids: ItemIdSource): NamedList[] {
  return [
    {
      name: "department",
      items: [
        ...DEPARTMENTS.map(([division, departments]) =>
          item(
            ids,
            division,
            departments.map((d) => item(ids, d)),
          ),
        ),
        item(ids, "Operations (retired)", [], true),
      ],
    },
    { name: "site", items: [...SITES.map((s) => item(ids, s)), item(ids, "Paris (closed)", [], true)] },
    { name: "title", items: [...TITLES.map((t) => item(ids, t)), item(ids, "Webmaster", [], true)] },
    { name: "terminationReason", items: TERMINATION_REASONS.map((r) => item(ids, r)) },
    { name: "lifecycleReasonType", items: ["Voluntary", "Involuntary"].map((r) => item(ids, r)) },
    { name: "employmentType", items: EMPLOYMENT_TYPES.map((t) => item(ids, t)) },
  ];
}

/** Depth-first flattening: hierarchy children are items too. */
export function flattenItems(items: readonly ListItem[]): ListItem[] {
  const out: ListItem[] = [];
  const walk = (xs: readonly ListItem[]): void => {
    for (const x of xs) {
      out.push(x);
      walk(x.children);
    }
  };
  walk(items);
  return out;
}
