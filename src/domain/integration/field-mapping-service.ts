import { requireRole, type Caller } from "../caller.js";
import { DomainError, badInput } from "../errors.js";
import { requireEnabled } from "./integration-service.js";
import type { Attribute } from "../attributes/attribute.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { BobApi, BobFieldDefinition } from "../ports/bob-api.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { MappingOverrideStore } from "../ports/mapping-override-store.js";
import { mapFields, type FieldMapping } from "../mapping/field-mapping.js";
import type { MappingOverride } from "../mapping/mapping-override.js";
import { checkOverride } from "../mapping/override-check.js";

/** What a company's field mapping is computed from: Bob's metadata (live), attributes, overrides. */
interface MappingInputs {
  readonly fields: readonly BobFieldDefinition[];
  readonly attributes: readonly Attribute[];
  readonly overrides: readonly MappingOverride[];
}

/**
 * The field-mapping report (fieldMappings) and the admins' overrides of it (setFieldMapping,
 * clearFieldMapping). An override changes the mapping context of the next sync (see
 * source-fingerprint.ts), so that sync maps every employee afresh under it.
 */
export class FieldMappingService {
  constructor(
    private readonly deps: {
      readonly companies: CompanyStore;
      readonly connections: ConnectionStore;
      readonly attributes: AttributeStore;
      readonly overrides: MappingOverrideStore;
      readonly bob: BobApi;
    },
  ) {}

  /** Live from Bob's field metadata, explained against the company's attributes and overrides. */
  async list(caller: Caller): Promise<FieldMapping[]> {
    const { fields, attributes, overrides } = await this.inputs(caller.companyId);
    return mapFields(fields, attributes, overrides);
  }

  /** Maps one Bob custom field into a custom attribute of a compatible type, or (attributeId null) excludes it. */
  async set(caller: Caller, input: { bobFieldId: string; attributeId?: string | null }): Promise<FieldMapping> {
    requireRole(caller, "ADMIN", "change the field mapping");
    const { fields, attributes, overrides } = await this.inputs(caller.companyId);
    const override = checkOverride(fields, attributes, overrides, {
      bobFieldId: input.bobFieldId,
      attributeId: input.attributeId ?? null,
    });
    const known = new Set(fields.map((f) => f.id));
    const stale = overrides.filter((o) => !known.has(o.bobFieldId)).map((o) => o.bobFieldId);
    const outcome = await this.deps.overrides.replace(caller.companyId, override, stale);
    if (outcome === "target-taken")
      throw badInput(
        "Someone changed the field mapping at the same moment (an attribute takes one Bob field); nothing was changed. Reload the mapping and try again.",
        "attributeId",
      );
    if (outcome === "attribute-missing")
      throw new DomainError("NOT_FOUND", `No Peakon attribute has id "${override.attributeId}".`, {
        field: "attributeId",
      });
    const next = [
      ...overrides.filter((o) => known.has(o.bobFieldId) && o.bobFieldId !== override.bobFieldId),
      override,
    ];
    return mappingOf(mapFields(fields, attributes, next), override.bobFieldId);
  }

  /** Drops the field's override (if any); returns the field's mapping as name matching gives it. */
  async clear(caller: Caller, bobFieldId: string): Promise<FieldMapping> {
    requireRole(caller, "ADMIN", "change the field mapping");
    const { fields, attributes, overrides } = await this.inputs(caller.companyId);
    if (!fields.some((f) => f.id === bobFieldId)) {
      throw new DomainError(
        "NOT_FOUND",
        `Bob has no field with id "${bobFieldId}" (it is not in Bob's field metadata).`,
        { field: "bobFieldId" },
      );
    }
    await this.deps.overrides.clear(caller.companyId, bobFieldId);
    return mappingOf(
      mapFields(
        fields,
        attributes,
        overrides.filter((o) => o.bobFieldId !== bobFieldId),
      ),
      bobFieldId,
    );
  }

  private async inputs(companyId: string): Promise<MappingInputs> {
    requireEnabled(await this.deps.companies.getIntegration(companyId));
    const credential = await this.deps.connections.loadCredential(companyId);
    if (!credential) throw new DomainError("NOT_CONNECTED", "Connect Bob to see how its fields map.");
    const [fields, attributes, overrides] = await Promise.all([
      this.deps.bob.fetchFields(credential),
      this.deps.attributes.list(companyId),
      this.deps.overrides.list(companyId),
    ]);
    return { fields, attributes, overrides };
  }
}

function mappingOf(mappings: readonly FieldMapping[], bobFieldId: string): FieldMapping {
  const found = mappings.find((m) => m.bobFieldId === bobFieldId);
  if (found === undefined) throw new Error(`no mapping for Bob field ${bobFieldId}`); // mapFields explains every field it is given
  return found;
}
