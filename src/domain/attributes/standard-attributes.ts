import type { AttributeType, StandardAttributeKey } from "./attribute.js";

export interface StandardAttributeSpec {
  readonly key: StandardAttributeKey;
  readonly name: string;
  readonly type: AttributeType;
}

/**
 * Peakon's standard attributes, as Peakon's HiBob integration defines them. Every company
 * starts with these. Age and Tenure hold the dates Peakon derives them from.
 */
export const STANDARD_ATTRIBUTES: readonly StandardAttributeSpec[] = [
  { key: "firstName", name: "First name", type: "TEXT" },
  { key: "lastName", name: "Last name", type: "TEXT" },
  { key: "email", name: "Email", type: "TEXT" },
  { key: "employeeId", name: "Employee ID", type: "TEXT" },
  { key: "manager", name: "Manager", type: "EMPLOYEE" },
  { key: "age", name: "Age", type: "DATE" },
  { key: "gender", name: "Gender", type: "OPTION" },
  { key: "title", name: "Title", type: "OPTION" },
  { key: "tenure", name: "Tenure", type: "DATE" },
  { key: "office", name: "Office", type: "OPTION" },
  { key: "department", name: "Department", type: "OPTION" },
  { key: "type", name: "Type", type: "OPTION" },
  { key: "separationDate", name: "Separation date", type: "DATE" },
  { key: "separationReason", name: "Separation reason", type: "OPTION" },
];
