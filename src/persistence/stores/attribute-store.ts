import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type {
  Attribute as DomainAttribute,
  AttributeType,
  StandardAttributeKey,
} from "../../domain/attributes/attribute.js";
import type { AttributeStore, NewAttribute } from "../../domain/ports/attribute-store.js";
import type { Database } from "../database.js";
import { Attribute } from "../entities/index.js";

export class OrmAttributeStore implements AttributeStore {
  constructor(private readonly db: Database) {}

  async list(companyId: string): Promise<DomainAttribute[]> {
    // A plain statement: every sync and every webhook application reads the attributes.
    const rows = await this.db.query<{
      id: string;
      name: string;
      type: string;
      standard: boolean;
      standard_key: string | null;
    }>(
      null,
      `select id, name, type, standard, standard_key from attribute where company_id = $1 order by standard desc, created_at asc, name_key asc`,
      [companyId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      type: row.type as AttributeType,
      standard: row.standard,
      standardKey: (row.standard_key ?? null) as StandardAttributeKey | null,
    }));
  }

  async createCustom(companyId: string, attribute: NewAttribute): Promise<DomainAttribute | null> {
    const em = this.db.em();
    const row = em.create(Attribute, {
      company: companyId,
      name: attribute.name,
      nameKey: attribute.nameKey,
      type: attribute.type,
      standard: false,
      standardKey: null,
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return null;
      throw error;
    }
    return toDomain(row);
  }
}

export function toDomain(row: Attribute): DomainAttribute {
  return {
    id: row.id,
    name: row.name,
    type: row.type as AttributeType,
    standard: row.standard,
    standardKey: (row.standardKey ?? null) as StandardAttributeKey | null,
  };
}
