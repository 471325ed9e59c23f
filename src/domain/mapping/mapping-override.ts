/**
 * An admin's explicit mapping of one Bob custom field (setFieldMapping): into the attribute
 * `attributeId`, whatever its name, or (null) into nothing, so the field is never synced.
 * It wins over name matching; standard and reserved fields cannot be overridden (see
 * override-check.ts for why).
 */
export interface MappingOverride {
  readonly bobFieldId: string;
  /** Null: the field is excluded. */
  readonly attributeId: string | null;
}

/** Overrides by Bob field id; the last one given for a field wins. */
export function overridesByFieldId(overrides: readonly MappingOverride[]): Map<string, string | null> {
  return new Map(overrides.map((o) => [o.bobFieldId, o.attributeId]));
}

/** In a stable order, so the same overrides always make the same mapping context. */
export function sortedOverrides(overrides: readonly MappingOverride[]): MappingOverride[] {
  return [...overridesByFieldId(overrides)]
    .map(([bobFieldId, attributeId]) => ({ bobFieldId, attributeId }))
    .sort((a, b) => (a.bobFieldId < b.bobFieldId ? -1 : a.bobFieldId > b.bobFieldId ? 1 : 0));
}
