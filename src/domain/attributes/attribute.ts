export const ATTRIBUTE_TYPES = ["TEXT", "OPTION", "NUMBER", "DATE", "EMPLOYEE"] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface Attribute {
  readonly id: string;
  readonly name: string;
  readonly type: AttributeType;
  readonly standard: boolean;
  /** Which standard mapping the attribute serves; null for attributes admins created. */
  readonly standardKey: StandardAttributeKey | null;
}

export type StandardAttributeKey =
  | "firstName"
  | "lastName"
  | "email"
  | "employeeId"
  | "manager"
  | "age"
  | "gender"
  | "title"
  | "tenure"
  | "office"
  | "department"
  | "type"
  | "separationDate"
  | "separationReason";

export const MAX_ATTRIBUTE_NAME_LENGTH = 128;

/**
 * The key names are compared by: trimmed, inner whitespace folded to one space, case-insensitive.
 * Used both for uniqueness and for matching Bob custom fields by name.
 */
export function attributeNameKey(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}
