import type { Attribute, AttributeType } from "../attributes/attribute.js";

export interface NewAttribute {
  readonly name: string;
  readonly nameKey: string;
  readonly type: AttributeType;
}

export interface AttributeStore {
  /** Standard ones first, then custom ones by name. */
  list(companyId: string): Promise<Attribute[]>;
  /** Returns null when the company already has an attribute with that name key. */
  createCustom(companyId: string, attribute: NewAttribute): Promise<Attribute | null>;
}
