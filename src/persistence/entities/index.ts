import { Attribute } from "./attribute.entity.js";
import { Company } from "./company.entity.js";

/** Every entity the ORM knows; the migrations are generated from exactly this list. */
export const ENTITIES = [Company, Attribute];
export { Attribute, Company };
