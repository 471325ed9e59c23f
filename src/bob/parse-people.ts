import type { BobPerson, BobRecordProblem } from "../domain/ports/bob-api.js";
import { compileFieldReader, isPlainObject, type FieldReader } from "./read-value.js";
import { rawEmployeeIdSchema } from "./raw-schemas.js";
import { describeZodError } from "./zod-message.js";

export interface PeopleParse<R = BobPerson> {
  readonly people: R[];
  readonly problems: BobRecordProblem[];
}

/**
 * Raw employee records -> people with values keyed by field id, one record at a time (records
 * are read from a stream as they arrive). Each record is checked on its own: a malformed one
 * becomes a problem (with its id when readable) and the rest go on. A field Bob left out stays
 * out of `values` (Bob omits fields the credential may not see). Each field's paths are worked
 * out once for the whole answer, not once per record: at 50,000 records of 25 fields that is
 * the difference between a loop and a million string splits. `map` turns each person into what
 * the caller keeps (by default the person itself), so the per-field values need not outlive
 * their record.
 */
export class PeopleReader<R = BobPerson> {
  private readonly readers: readonly FieldReader[];
  private readonly categories: readonly string[];
  private readonly people: R[] = [];
  private readonly problems: BobRecordProblem[] = [];
  private index = 0;

  constructor(
    fieldIds: readonly string[],
    private readonly map: (person: BobPerson, source: string | null) => R = (person) => person as R,
  ) {
    this.readers = fieldIds.map(compileFieldReader);
    this.categories = [...new Set(this.readers.filter((r) => r.path.length >= 2).map((r) => r.path[0] as string))];
  }

  /** `source`: the digest of the record's JSON as Bob sent it, when the caller asked for digests. */
  add(record: unknown, source: string | null = null): void {
    this.index++;
    const result = readPerson(record, this.readers, this.categories);
    if ("problem" in result)
      this.problems.push({ bobEmployeeId: result.id, message: `Employee record #${this.index}: ${result.problem}` });
    else this.people.push(this.map(result.person, source));
  }

  /** A record the caller recognised by its digest: what it already knows the record becomes. */
  addKnown(known: R): void {
    this.index++;
    this.people.push(known);
  }

  result(): PeopleParse<R> {
    return { people: this.people, problems: this.problems };
  }
}

type PersonRead = { readonly person: BobPerson } | { readonly id: string | null; readonly problem: string };

const ID_READER = compileFieldReader("root.id");
const ABSENT: unique symbol = Symbol("absent");

function readPerson(raw: unknown, readers: readonly FieldReader[], categories: readonly string[]): PersonRead {
  // A JSON object is all a record must be (zod's record schema would copy every one of them).
  if (!isPlainObject(raw)) return { id: null, problem: "not a JSON object" };
  const idRead = ID_READER.read(raw);
  if (!idRead.found) return { id: null, problem: "has no id" };
  const id = rawEmployeeIdSchema.safeParse(idRead.value);
  if (!id.success) return { id: null, problem: `unreadable id (${describeZodError(id.error)})` };
  const bobId = String(id.data).trim();

  // A category that is present but not an object (e.g. "work": "oops") would silently read as
  // "every work field omitted" and could wipe values downstream; call it out instead.
  for (const category of categories) {
    const container = raw[category];
    if (container !== undefined && container !== null && !isPlainObject(container)) {
      return { id: bobId, problem: `"${category}" is not an object` };
    }
  }

  const values = new Map<string, unknown>();
  for (const reader of readers) {
    const value = reader.readOr(raw, ABSENT);
    if (value !== ABSENT) values.set(reader.fieldId, value);
  }
  return { person: { id: bobId, values } };
}
