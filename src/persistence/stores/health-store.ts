import type { HealthFacts, HealthStore } from "../../domain/ports/health-store.js";
import type { Database } from "../database.js";

type Row = {
  last_success: Date | string | null;
  last_delivery: Date | string | null;
  deliveries: number | string;
  failed: number | string;
  drift: number | string | null;
  refused_reason: string | null;
};

const dateOf = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export class SqlHealthStore implements HealthStore {
  constructor(private readonly db: Database) {}

  async facts(companyId: string, deliveriesSince: Date, driftSince: Date): Promise<HealthFacts> {
    // Each part reads its own index (sync_run by company and seq, webhook_delivery by company and seq).
    const [row] = await this.db.query<Row>(
      null,
      `select
         (select max(finished_at) from sync_run where company_id = $1 and not dry_run and status in ('SUCCEEDED', 'PARTIAL')) as last_success,
         (select max(received_at) from webhook_delivery where company_id = $1) as last_delivery,
         (select count(*) from webhook_delivery where company_id = $1 and received_at >= $2) as deliveries,
         (select count(*) from webhook_delivery where company_id = $1 and received_at >= $2 and status = 'FAILED') as failed,
         (select coalesce(sum(drift_repaired), 0) from sync_run where company_id = $1 and not dry_run and finished_at >= $3) as drift,
         (select refused_reason from bob_connection where company_id = $1 and credential_ciphertext is not null) as refused_reason`,
      [companyId, deliveriesSince, driftSince],
    );
    return {
      lastSuccessfulSyncAt: dateOf(row?.last_success ?? null),
      lastDeliveryAt: dateOf(row?.last_delivery ?? null),
      deliveriesSince: Number(row?.deliveries ?? 0),
      failedDeliveriesSince: Number(row?.failed ?? 0),
      driftRepairedSince: Number(row?.drift ?? 0),
      refusedReason: row?.refused_reason ?? null,
    };
  }
}
