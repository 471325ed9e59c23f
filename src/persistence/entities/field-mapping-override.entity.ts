import { defineEntity, p } from "@mikro-orm/core";
import { Attribute } from "./attribute.entity.js";
import { Company } from "./company.entity.js";

/**
 * An admin's explicit mapping of one Bob field (domain/mapping/mapping-override.ts): into `attribute`,
 * or (null) into nothing. One per Bob field; one Bob field per attribute (the second unique
 * constraint; NULLs, the exclusions, never collide). Deleting the attribute drops the override.
 */
export const FieldMappingOverrideSchema = defineEntity({
  name: "FieldMappingOverride",
  tableName: "field_mapping_override",
  uniques: [
    { name: "field_mapping_override_company_field_unique", properties: ["company", "bobFieldId"] },
    { name: "field_mapping_override_company_attribute_unique", properties: ["company", "attribute"] },
  ],
  properties: {
    id: p.bigint().primary().autoincrement(),
    company: () => p.manyToOne(Company).deleteRule("cascade"),
    bobFieldId: p.string().length(255),
    attribute: () => p.manyToOne(Attribute).nullable().deleteRule("cascade"),
    updatedAt: p.datetime(),
  },
});

export class FieldMappingOverride extends FieldMappingOverrideSchema.class {}
FieldMappingOverrideSchema.setClass(FieldMappingOverride);
