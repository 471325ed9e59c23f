import type { StandardAttributeSpec } from "../../domain/attributes/standard-attributes.js";
import { attributeNameKey } from "../../domain/attributes/attribute.js";
import type { IntegrationRecord, SyncSettings } from "../../domain/integration/integration.js";
import type { CompanyStore } from "../../domain/ports/company-store.js";
import type { Database } from "../database.js";
import { Attribute, BobConnection, Company } from "../entities/index.js";
import type { CredentialKind } from "../../domain/integration/integration.js";

export class OrmCompanyStore implements CompanyStore {
  constructor(private readonly db: Database) {}

  async ensureCompany(companyId: string, standardAttributes: readonly StandardAttributeSpec[]): Promise<void> {
    // Two first requests of a new company may race: "on conflict do nothing" makes both win.
    await this.db.em().transactional(async (em) => {
      await em.createQueryBuilder(Company).insert({ id: companyId, createdAt: new Date() }).onConflict("id").ignore().execute();
      const rows = standardAttributes.map((a) =>
        em.create(Attribute, { company: companyId, name: a.name, nameKey: attributeNameKey(a.name), type: a.type, standard: true, standardKey: a.key }, { persist: false }),
      );
      await em.createQueryBuilder(Attribute).insert(rows).onConflict(["company", "nameKey"]).ignore().execute();
    });
  }

  async getIntegration(companyId: string): Promise<IntegrationRecord> {
    const em = this.db.em();
    const [company, connection] = await Promise.all([em.findOneOrFail(Company, companyId), em.findOne(BobConnection, { company: companyId })]);
    return toRecord(company, connection);
  }

  async enableIntegration(companyId: string, at: Date): Promise<IntegrationRecord> {
    const em = this.db.em();
    const company = await em.findOneOrFail(Company, companyId);
    if (!company.integrationEnabled) {
      company.integrationEnabled = true;
      company.integrationEnabledAt = at;
      await em.flush();
    }
    return this.getIntegration(companyId);
  }

  async updateSettings(companyId: string, settings: SyncSettings): Promise<IntegrationRecord> {
    const em = this.db.em();
    const company = await em.findOneOrFail(Company, companyId);
    company.deletionSafeguardPercent = settings.deletionSafeguardPercent;
    company.reconcileEveryHours = settings.reconcileEveryHours;
    await em.flush();
    return this.getIntegration(companyId);
  }

  async reconciliationCandidates(): Promise<{ companyId: string; everyHours: number; lastFullSyncAt: Date | null }[]> {
    const rows = await this.db.em().execute<{ id: string; every_hours: number; last_at: string | Date | null }[]>(
      `select c.id, c.reconcile_every_hours as every_hours,
              (select max(r.queued_at) from sync_run r where r.company_id = c.id and not r.dry_run) as last_at
       from company c join bob_connection b on b.company_id = c.id
       where c.integration_enabled and c.reconcile_every_hours is not null and b.credential_ciphertext is not null`,
    );
    return rows.map((r) => ({ companyId: r.id, everyHours: Number(r.every_hours), lastFullSyncAt: r.last_at ? new Date(r.last_at) : null }));
  }
}

function toRecord(company: Company, connection: BobConnection | null): IntegrationRecord {
  return {
    companyId: company.id,
    enabled: company.integrationEnabled,
    timeZone: company.timeZone,
    settings: {
      deletionSafeguardPercent: company.deletionSafeguardPercent,
      reconcileEveryHours: company.reconcileEveryHours ?? null,
    },
    connection:
      connection?.credentialCiphertext && connection.connectedAt
        ? {
            credentialKind: connection.credentialKind as CredentialKind,
            tokenHint: connection.tokenHint ?? "",
            connectedAt: connection.connectedAt,
            webhookKey: connection.webhookKey,
            hasHookSecret: connection.hookSecretCiphertext != null,
          }
        : null,
  };
}
