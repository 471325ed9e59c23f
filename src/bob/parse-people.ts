import type { BobPerson, BobRecordProblem } from "../domain/ports/bob-api.js";
import { isPlainObject, nestedPath, readFieldValue } from "./read-value.js";
import { rawEmployeeIdSchema, rawEmployeeSchema, rawSearchResponseSchema } from "./raw-schemas.js";
import { describeZodError } from "./zod-message.js";

export type SearchEnvelopeParse = { readonly ok: true; readonly employees: unknown[] } | { readonly ok: false; readonly reason: string };

/** The `{employees: [...]}` envelope; anything else is a bad answer (retried, then reported). */
export function parseSearchEnvelope(json: unknown): SearchEnvelopeParse {
  const parsed = rawSearchResponseSchema.safeParse(json);
  return parsed.success ? { ok: true, employees: parsed.data.employees } : { ok: false, reason: "the answer has no employees array" };
}

export interface PeopleParse {
  readonly people: BobPerson[];
  readonly problems: BobRecordProblem[];
}

/**
 * Raw employee records -> people with values keyed by field id. Each record is checked on its
 * own: a malformed one becomes a problem (with its id when readable) and the rest go on.
 * A field Bob left out stays out of `values` (Bob omits fields the credential may not see).
 */
export function readPeople(records: readonly unknown[], fieldIds: readonly string[]): PeopleParse {
  const people: BobPerson[] = [];
  const problems: BobRecordProblem[] = [];
  records.forEach((raw, index) => {
    const result = readPerson(raw, fieldIds);
    if ("problem" in result) problems.push({ bobEmployeeId: result.id, message: `Employee record #${index + 1}: ${result.problem}` });
    else people.push(result.person);
  });
  return { people, problems };
}

type PersonRead = { readonly person: BobPerson } | { readonly id: string | null; readonly problem: string };

function readPerson(raw: unknown, fieldIds: readonly string[]): PersonRead {
  const record = rawEmployeeSchema.safeParse(raw);
  if (!record.success) return { id: null, problem: "not a JSON object" };
  const idRead = readFieldValue(record.data, "root.id");
  if (!idRead.found) return { id: null, problem: "has no id" };
  const id = rawEmployeeIdSchema.safeParse(idRead.value);
  if (!id.success) return { id: null, problem: `unreadable id (${describeZodError(id.error)})` };
  const bobId = String(id.data).trim();

  // A category that is present but not an object (e.g. "work": "oops") would silently read as
  // "every work field omitted" and could wipe values downstream; call it out instead.
  for (const fieldId of fieldIds) {
    const path = nestedPath(fieldId);
    if (path.length < 2) continue;
    const container = record.data[path[0] as string];
    if (container !== undefined && container !== null && !isPlainObject(container)) {
      return { id: bobId, problem: `"${path[0]}" is not an object` };
    }
  }

  const values = new Map<string, unknown>();
  for (const fieldId of fieldIds) {
    const read = readFieldValue(record.data, fieldId);
    if (read.found) values.set(fieldId, read.value);
  }
  return { person: { id: bobId, values } };
}
