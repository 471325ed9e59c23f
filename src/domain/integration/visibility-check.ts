import type { Attribute } from "../attributes/attribute.js";
import type { BobApi, BobCredential } from "../ports/bob-api.js";
import { mapFields, syncedFieldIds } from "../mapping/field-mapping.js";
import type { MappingOverride } from "../mapping/mapping-override.js";
import { FieldVisibility, warningsFor, type IntegrationWarning } from "../mapping/field-visibility.js";
import { BOB_ID_FIELD_ID } from "../mapping/standard-fields.js";

/**
 * What the credential cannot see of the fields the sync needs, found with one small people
 * search: Bob grants sight per category, so one field of each category the sync reads stands for
 * its category. A category Bob sends for no active employee makes a warning for each of its
 * synced fields. No active employee at all: nothing can be told, no warning.
 */
export async function checkFieldVisibility(
  bob: BobApi,
  credential: BobCredential,
  attributes: readonly Attribute[],
  overrides: readonly MappingOverride[] = [],
): Promise<IntegrationWarning[]> {
  const fields = await bob.fetchFields(credential);
  const categoryOf = new Map(fields.map((f) => [f.id, f.categoryId]));
  // The fields the sync will ask for, admins' overrides included (an excluded field is never asked).
  const synced = syncedFieldIds(mapFields(fields, attributes, overrides)).filter((id) => id !== BOB_ID_FIELD_ID);
  const probeByCategory = new Map<string, string>();
  for (const id of synced) {
    const category = categoryOf.get(id) ?? id;
    if (!probeByCategory.has(category)) probeByCategory.set(category, id);
  }
  const probes = [...probeByCategory.values()];
  if (probes.length === 0) return [];
  const answer = await bob.searchPeople(credential, { fieldIds: probes, showInactive: false });
  const visibility = new FieldVisibility(probes);
  for (const person of answer.people) visibility.saw(person);
  const hiddenCategories = new Set(visibility.notVisible(new Set()).map((id) => categoryOf.get(id) ?? id));
  return warningsFor(
    synced.filter((id) => hiddenCategories.has(categoryOf.get(id) ?? id)),
    fields,
  );
}
