import { requireRole, type Caller } from "../caller.js";
import { badInput } from "../errors.js";
import { isStorableText } from "../text.js";
import { requireEnabled } from "../integration/integration-service.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { CompanyStore } from "../ports/company-store.js";
import {
  ATTRIBUTE_TYPES,
  MAX_ATTRIBUTE_NAME_LENGTH,
  attributeNameKey,
  type Attribute,
  type AttributeType,
} from "./attribute.js";

export class AttributeService {
  constructor(
    private readonly attributes: AttributeStore,
    private readonly companies: CompanyStore,
  ) {}

  list(caller: Caller): Promise<Attribute[]> {
    return this.attributes.list(caller.companyId);
  }

  async create(caller: Caller, input: { name: string; type: AttributeType }): Promise<Attribute> {
    requireRole(caller, "ADMIN", "create attributes");
    requireEnabled(await this.companies.getIntegration(caller.companyId));
    const name = input.name.trim().replace(/\s+/g, " ");
    if (name.length === 0) throw badInput("Attribute name must not be empty.", "name");
    if (!isStorableText(name)) throw badInput("Attribute name must not contain control characters.", "name");
    if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) {
      throw badInput(`Attribute name must be at most ${MAX_ATTRIBUTE_NAME_LENGTH} characters.`, "name");
    }
    if (!ATTRIBUTE_TYPES.includes(input.type)) throw badInput(`Unknown attribute type "${input.type}".`, "type");
    const created = await this.attributes.createCustom(caller.companyId, {
      name,
      nameKey: attributeNameKey(name),
      type: input.type,
    });
    if (!created) throw badInput(`An attribute named "${name}" already exists.`, "name");
    return created;
  }
}
