import type { Attribute } from "../attributes/attribute.js";
import { STANDARD_ATTRIBUTES } from "../attributes/standard-attributes.js";
import { DomainError, badInput } from "../errors.js";
import type { BobFieldDefinition } from "../ports/bob-api.js";
import { typeRefusal } from "./field-compatibility.js";
import { mapFields, overridableFields } from "./field-mapping.js";
import type { MappingOverride } from "./mapping-override.js";

/**
 * Whether an admin may map `bobFieldId` into `attributeId` (null: exclude it), given Bob's field
 * metadata, the company's attributes and the other overrides. Throws the refusal in plain words;
 * returns the override to store.
 *
 * Standard fields (names, email, dates, manager, ...) cannot be overridden, neither remapped nor
 * excluded: the directory's identity, lifecycle and reporting lines depend on them, and a wrong
 * click there would rewrite or empty every employee. Standard attributes likewise take only their
 * standard Bob field. Fields the sync reads for itself (Bob id, lifecycle) are not attributes.
 * An attribute takes one Bob field: a target already fed by another field, matched by name or
 * overridden, is refused until that field is excluded or mapped elsewhere.
 */
export function checkOverride(
  fields: readonly BobFieldDefinition[],
  attributes: readonly Attribute[],
  overrides: readonly MappingOverride[],
  input: { readonly bobFieldId: string; readonly attributeId: string | null },
): MappingOverride {
  const field = fields.find((f) => f.id === input.bobFieldId);
  if (field === undefined) {
    throw new DomainError(
      "NOT_FOUND",
      `Bob has no field with id "${input.bobFieldId}" (it is not in Bob's field metadata).`,
      { field: "bobFieldId" },
    );
  }
  // The field's mapping as it would be without its own override.
  const others = overrides.filter((o) => o.bobFieldId !== field.id);
  const before = mapFields(fields, attributes, others);
  if (!overridableFields(fields).includes(field)) {
    const own = before.find((m) => m.bobFieldId === field.id);
    if (own?.standardKey != null) {
      throw badInput(
        `Bob field "${field.name}" (${field.id}) feeds the standard Peakon attribute "${STANDARD_ATTRIBUTES.find((a) => a.key === own.standardKey)?.name ?? own.standardKey}"; standard mappings cannot be overridden, because the directory's identity, dates and reporting lines depend on them.`,
        "bobFieldId",
      );
    }
    throw badInput(
      `Bob field "${field.name}" (${field.id}) cannot be mapped: ${own?.reason ?? "the sync reads it for itself."}`,
      "bobFieldId",
    );
  }
  if (input.attributeId === null) return { bobFieldId: field.id, attributeId: null };

  const attribute = attributes.find((a) => a.id === input.attributeId);
  if (attribute === undefined)
    throw new DomainError("NOT_FOUND", `No Peakon attribute has id "${input.attributeId}".`, { field: "attributeId" });
  if (attribute.standard) {
    throw badInput(
      `"${attribute.name}" is a standard Peakon attribute, fed only by its standard Bob field; map this field into a custom attribute.`,
      "attributeId",
    );
  }
  const refusal = typeRefusal(field, attribute);
  if (refusal !== null) throw badInput(refusal, "attributeId");
  const feeder = before.find(
    (m) =>
      m.bobFieldId !== field.id &&
      m.attribute?.id === attribute.id &&
      (m.status === "COMPATIBLE" || m.status === "OVERRIDDEN"),
  );
  if (feeder !== undefined) {
    const how = feeder.status === "OVERRIDDEN" ? "mapped by an admin" : "matched by name";
    throw badInput(
      `Peakon attribute "${attribute.name}" is already fed by Bob field "${feeder.bobFieldName}" (${feeder.bobFieldId}), ${how}; an attribute takes one Bob field. Exclude that field or map it elsewhere first.`,
      "attributeId",
    );
  }
  return { bobFieldId: field.id, attributeId: attribute.id };
}
