import { randomUUID } from "node:crypto";
import { defineEntity, p } from "@mikro-orm/core";
import { Company } from "./company.entity.js";

/**
 * A Peakon attribute (a segmentation dimension). `nameKey` is the normalised name the unique
 * index and the Bob custom-field matching compare, so "Cost  center " and "cost center" collide.
 * The table also has `slot` (identity column, migration Migration20261204230000), the key of the
 * attribute's values in employee rows; only stores/attribute-slots.ts reads it, so it is not mapped here.
 */
export const AttributeSchema = defineEntity({
  name: "Attribute",
  tableName: "attribute",
  uniques: [{ name: "attribute_company_name_key_unique", properties: ["company", "nameKey"] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    company: () => p.manyToOne(Company).deleteRule("cascade"),
    name: p.string().length(128),
    nameKey: p.string().length(128),
    type: p.string().length(16),
    standard: p.boolean().default(false),
    /** Which standard mapping this is (e.g. "department"); null for custom attributes. */
    standardKey: p.string().length(32).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Attribute extends AttributeSchema.class {}
AttributeSchema.setClass(Attribute);
