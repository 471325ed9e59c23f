import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from "@mikro-orm/core";
import type { MappingOverrideStore, OverrideWriteOutcome } from "../../domain/ports/mapping-override-store.js";
import type { MappingOverride } from "../../domain/mapping/mapping-override.js";
import type { Database } from "../database.js";
import { FieldMappingOverride } from "../entities/index.js";

export class OrmMappingOverrideStore implements MappingOverrideStore {
  constructor(private readonly db: Database) {}

  async list(companyId: string): Promise<MappingOverride[]> {
    // A plain statement: every sync and every webhook application reads the overrides.
    const rows = await this.db.query<{ bob_field_id: string; attribute_id: string | null }>(
      null,
      `select bob_field_id, attribute_id from field_mapping_override where company_id = $1 order by bob_field_id`,
      [companyId],
    );
    return rows.map((row) => ({ bobFieldId: row.bob_field_id, attributeId: row.attribute_id ?? null }));
  }

  async replace(
    companyId: string,
    override: MappingOverride,
    staleFieldIds: readonly string[],
  ): Promise<OverrideWriteOutcome> {
    try {
      await this.db.em().transactional(async (em) => {
        await em.nativeDelete(FieldMappingOverride, {
          company: companyId,
          bobFieldId: { $in: [override.bobFieldId, ...staleFieldIds] },
        });
        await em.insert(FieldMappingOverride, {
          company: companyId,
          bobFieldId: override.bobFieldId,
          attribute: override.attributeId,
          updatedAt: new Date(),
        });
      });
    } catch (error) {
      // The domain checked both before writing; these are a concurrent write winning the race.
      if (error instanceof UniqueConstraintViolationException) return "target-taken";
      if (error instanceof ForeignKeyConstraintViolationException) return "attribute-missing";
      throw error;
    }
    return "stored";
  }

  async clear(companyId: string, bobFieldId: string): Promise<boolean> {
    const deleted = await this.db.em().nativeDelete(FieldMappingOverride, { company: companyId, bobFieldId });
    return deleted > 0;
  }
}
