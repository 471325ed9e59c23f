/**
 * The simulator's internal model of one Bob company. The HTTP layer turns it into Bob's raw
 * JSON; nothing outside simulator/ depends on these shapes except through index.ts.
 */

export type SimFieldType =
  | "text"
  | "text-area"
  | "number"
  | "date"
  | "short-date"
  | "boolean"
  | "time"
  | "list"
  | "multi-list"
  | "hierarchy-list"
  | "currency"
  | "employee-reference"
  | "document";

export const SIM_FIELD_TYPES: readonly SimFieldType[] = [
  "text",
  "text-area",
  "number",
  "date",
  "short-date",
  "boolean",
  "time",
  "list",
  "multi-list",
  "hierarchy-list",
  "currency",
  "employee-reference",
  "document",
];

/**
 * A permission Bob grants an API credential, spelled as Bob's UI names it. Declared here rather
 * than borrowed from the gateway: the simulator describes Bob and must not depend on our code.
 */
export type BobScope = "Full employee read" | "Employee fields read";

/** One field as Bob's metadata endpoint describes it (exactly the keys Bob sends). */
export interface BobFieldJson {
  id: string;
  name: string;
  category: string;
  categoryId: string;
  categoryDisplayName: string;
  description: string | null;
  jsonPath: string;
  type: SimFieldType;
  typeData: { listId?: string };
  historical: boolean;
}

/** A field plus what only the simulator needs to know about it. */
export interface SimField extends BobFieldJson {
  /** Custom (user-defined) fields are never part of people/search's default field set. */
  readonly custom: boolean;
}

export interface ListItem {
  id: string;
  name: string;
  /** Some clients read `value` as the label; Bob sends it equal to the name. */
  value: string;
  archived: boolean;
  children: ListItem[];
}

export interface NamedList {
  name: string;
  items: ListItem[];
}

/** Stored machine values keyed by field id; derived fields (status, reportsTo...) are computed. */
export interface EmployeeRecord {
  readonly id: string;
  values: Record<string, unknown>;
}

/** Which generated employees exercise which case, so tests and demos can find them. */
export interface GeneratedScenarios {
  ceoId: string | null;
  futureHires: string[];
  leavers: string[];
  leaving: string[];
  gardenLeave: string[];
  reinstated: string[];
  missingFirstName: string[];
  duplicateEmail: string[];
  reportingCycle: string[];
}

export interface CompanyData {
  companyId: number;
  fields: SimField[];
  lists: NamedList[];
  employees: EmployeeRecord[];
  scenarios: GeneratedScenarios;
}

export type LifecycleStatus = "hired" | "employed" | "garden leave" | "terminated";
