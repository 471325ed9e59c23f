import type { AttributeType } from "../attributes/attribute.js";
import type { BobFieldDefinition } from "../ports/bob-api.js";
import { toCalendarDate } from "./calendar-date.js";
import type { ListLookup } from "./list-lookup.js";

/** Peakon keeps OPTION values (segment names) up to this many characters. */
export const MAX_OPTION_LENGTH = 256;

/** A value Peakon accepts (null = no value), or why it cannot take it. */
export type ConvertedValue =
  { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly problem: string };

const none: ConvertedValue = { ok: true, value: null };
const reject = (problem: string): ConvertedValue => ({ ok: false, problem });

/**
 * Turns one machine value from Bob into the canonical string of a Peakon attribute type:
 * OPTION/TEXT the text (list items by name, booleans "Yes"/"No"), NUMBER a whole number,
 * DATE "YYYY-MM-DD", EMPLOYEE the referenced employee's Bob id.
 */
export function toAttributeValue(
  raw: unknown,
  field: BobFieldDefinition,
  target: AttributeType,
  lists: ListLookup,
): ConvertedValue {
  if (isEmpty(raw)) return none;
  const decoded = decodeBobValue(raw, field, target, lists);
  if (!decoded.ok) return decoded;
  if (decoded.value === null) return none;
  return encodeForAttribute(decoded.value, target);
}

type Decoded =
  | { readonly ok: true; readonly value: string | number | boolean | null }
  | { readonly ok: false; readonly problem: string };

/** Undoes Bob's encodings: list item ids, currency objects, employee objects. */
function decodeBobValue(raw: unknown, field: BobFieldDefinition, target: AttributeType, lists: ListLookup): Decoded {
  if (target === "EMPLOYEE") return decodeEmployeeId(raw);
  switch (field.type) {
    case "list":
    case "hierarchy-list":
      return decodeListItem(raw, field, lists);
    case "multi-list":
      return { ok: false, problem: "holds several values, which no Peakon attribute can take" };
    case "currency": {
      const amount = isRecord(raw) ? raw["value"] : raw;
      return isEmpty(amount) ? { ok: true, value: null } : scalar(amount);
    }
    default:
      return scalar(raw);
  }
}

function decodeListItem(raw: unknown, field: BobFieldDefinition, lists: ListLookup): Decoded {
  const id = isRecord(raw) ? raw["id"] : raw;
  if (typeof id !== "string" && typeof id !== "number")
    return { ok: false, problem: `holds ${describe(raw)}, not a list item id` };
  const list = field.listId === undefined ? undefined : lists.get(field.listId);
  if (list === undefined)
    return {
      ok: false,
      problem: `names list item ${String(id)}, but Bob's named list "${field.listId ?? "(none)"}" is unknown`,
    };
  const name = list.get(String(id));
  if (name === undefined)
    return {
      ok: false,
      problem: `holds list item id ${String(id)}, which is not in Bob's named list "${field.listId}"`,
    };
  return { ok: true, value: name };
}

/** Bob gives a manager as an id (work.manager) or as an object with one (work.reportsTo). */
function decodeEmployeeId(raw: unknown): Decoded {
  const id = isRecord(raw) ? raw["id"] : raw;
  if (isEmpty(id)) return { ok: true, value: null };
  if (typeof id === "string" || (typeof id === "number" && Number.isSafeInteger(id)))
    return { ok: true, value: String(id).trim() };
  return { ok: false, problem: `holds ${describe(raw)}, not an employee id` };
}

function scalar(raw: unknown): Decoded {
  if (typeof raw === "string" || typeof raw === "boolean") return { ok: true, value: raw };
  if (typeof raw === "number" && Number.isFinite(raw)) return { ok: true, value: raw };
  return { ok: false, problem: `holds ${describe(raw)}, which is not a single value` };
}

function encodeForAttribute(value: string | number | boolean, target: AttributeType): ConvertedValue {
  switch (target) {
    case "TEXT":
      return { ok: true, value: asText(value) };
    case "OPTION": {
      const text = asText(value);
      // UTF-16 length bounds the code-point count: only a long text needs counting.
      const length = text.length <= MAX_OPTION_LENGTH ? text.length : [...text].length;
      return length > MAX_OPTION_LENGTH
        ? reject(`is ${length} characters long; a Peakon option holds at most ${MAX_OPTION_LENGTH}`)
        : { ok: true, value: text };
    }
    case "NUMBER":
      return asWholeNumber(value);
    case "DATE": {
      const date = typeof value === "string" ? toCalendarDate(value) : null;
      return date === null
        ? reject(`is ${JSON.stringify(value)}, not a valid calendar date (YYYY-MM-DD)`)
        : { ok: true, value: date };
    }
    case "EMPLOYEE":
      return { ok: true, value: String(value) };
  }
}

function asText(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return typeof value === "string" ? value.trim() : String(value);
}

/** Peakon numbers are integers: a fraction is refused rather than silently rounded. */
function asWholeNumber(value: string | number | boolean): ConvertedValue {
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (Number.isNaN(number)) return reject(`is ${JSON.stringify(value)}, not a number`);
  if (!Number.isInteger(number)) return reject(`is ${number}, not a whole number; Peakon numbers are integers`);
  if (!Number.isSafeInteger(number)) return reject(`is ${number}, too large for a Peakon number`);
  return { ok: true, value: String(number === 0 ? 0 : number) };
}

function isEmpty(raw: unknown): boolean {
  return raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === "");
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw);
}

function describe(raw: unknown): string {
  if (Array.isArray(raw)) return "a list of values";
  if (isRecord(raw)) return "an object";
  return JSON.stringify(raw) ?? String(raw);
}
