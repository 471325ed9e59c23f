import type { BobFieldDefinition, BobPerson } from "../ports/bob-api.js";
import type { SyncIssue } from "./sync-issue.js";
import { BOB_ID_FIELD_ID } from "./standard-fields.js";

/** Something the admin should fix in Bob (the contract's IntegrationWarning). */
export interface IntegrationWarning {
  readonly code: "FIELD_NOT_VISIBLE";
  readonly message: string;
  readonly bobFieldId: string | null;
}

/**
 * Which of the requested fields Bob sent for at least one person. Bob leaves out, silently, the
 * fields of categories the credential's permission group cannot see; a field it sends for nobody
 * is a visibility problem, never "everyone's value is empty".
 */
export class FieldVisibility {
  private readonly missing: Set<string>;
  private parsed = 0;
  private recognized = 0;

  constructor(private readonly requested: readonly string[]) {
    this.missing = new Set(requested.filter((id) => id !== BOB_ID_FIELD_ID));
  }

  /** A person read from Bob's answer. Costs nothing once every field has been seen. */
  saw(person: BobPerson): void {
    this.parsed++;
    if (this.missing.size === 0) return;
    for (const id of this.missing) if (person.values.has(id)) this.missing.delete(id);
  }

  /** A person recognised by its source fingerprint: not read, its bytes are those read before. */
  recognizedOne(): void {
    this.recognized++;
  }

  /**
   * The requested fields nobody had. People recognised by their fingerprint were not read: their
   * bytes are the ones an earlier run read, so for them a field counts as it did then
   * (`hiddenBefore`). Losing or gaining sight of a category changes every person's bytes, so the
   * recognised ones never hide such a change.
   */
  notVisible(hiddenBefore: ReadonlySet<string>): string[] {
    if (this.parsed === 0 && this.recognized === 0) return [];
    return this.requested.filter((id) => this.missing.has(id) && (this.recognized === 0 || hiddenBefore.has(id)));
  }

  /** Whether notVisible needs the fields hidden before (some were recognised, some missing). */
  needsHiddenBefore(): boolean {
    return this.recognized > 0 && this.missing.size > 0;
  }
}

/** The warning (and run issue) for a field the credential cannot see: what to grant in Bob. */
export function fieldNotVisibleWarning(field: BobFieldDefinition): IntegrationWarning {
  const category = `"${field.categoryName ?? field.categoryId}"`;
  return {
    code: "FIELD_NOT_VISIBLE",
    bobFieldId: field.id,
    message:
      `Bob field "${field.name}" (${field.id}, category ${category}) is not visible to the connected credential: Bob sends it for no employee, ` +
      `so the sync keeps the values stored before and cannot update them. In Bob, give the service user's permission group view access to ` +
      `the ${category} category (People's data), then synchronize again.`,
  };
}

export function warningsFor(fieldIds: readonly string[], fields: readonly BobFieldDefinition[]): IntegrationWarning[] {
  const byId = new Map(fields.map((f) => [f.id, f]));
  return fieldIds.map((id) =>
    fieldNotVisibleWarning(
      byId.get(id) ?? { id, name: id, type: "text", categoryId: id.split(".")[0] ?? id, jsonPath: id },
    ),
  );
}

export function visibilityIssue(warning: IntegrationWarning): SyncIssue {
  return { bobEmployeeId: null, email: null, code: "FIELD_NOT_VISIBLE", message: warning.message };
}
