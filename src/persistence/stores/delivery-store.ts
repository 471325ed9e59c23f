import { randomUUID } from "node:crypto";
import { badInput } from "../../domain/errors.js";
import type { DeliveryPage, DeliveryRecord, DeliveryStatus, DeliveryStore } from "../../domain/ports/delivery-store.js";
import type { BobWebhookEvent } from "../../domain/webhooks/bob-event.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import type { Database } from "../database.js";
import { WebhookDelivery } from "../entities/index.js";

export class OrmDeliveryStore implements DeliveryStore {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
  ) {}

  async accept(companyId: string, event: BobWebhookEvent, bodyHash: string, receivedAt: Date): Promise<{ id: string; duplicate: boolean }> {
    const id = randomUUID();
    const status: DeliveryStatus = event.disposition === "IGNORE" ? "IGNORED" : "ACCEPTED";
    return this.db.em().transactional(async (em) => {
      const values = [id, companyId, receivedAt, event.type, event.employeeIds[0] ?? null, JSON.stringify(event.employeeIds)];
      const inserted = await em.execute<{ id: string }[]>(
        `insert into webhook_delivery (id, company_id, received_at, event_type, bob_employee_id, employee_ids, status, body_hash)
         values (?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (company_id, body_hash) where body_hash is not null do nothing
         returning id`,
        [...values, status, bodyHash],
      );
      if (inserted.length === 0) {
        // Bob sent this exact body before: keep the copy for the record, apply the original only.
        await em.execute(
          `insert into webhook_delivery (id, company_id, received_at, event_type, bob_employee_id, employee_ids, status, error)
           values (?, ?, ?, ?, ?, ?, 'IGNORED', 'Duplicate of a delivery already received; applied once.')`,
          values,
        );
        return { id, duplicate: true };
      }
      if (status === "ACCEPTED") await this.jobs.sendWebhookApply({ companyId }, em.getKysely() as never);
      return { id, duplicate: false };
    });
  }

  async pending(companyId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db.em().find(WebhookDelivery, { company: companyId, status: "ACCEPTED" }, { orderBy: { seq: "asc" }, limit });
    return rows.map(toRecord);
  }

  async markApplied(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.em().nativeUpdate(WebhookDelivery, { id: { $in: [...ids] }, status: "ACCEPTED" }, { status: "APPLIED", appliedAt: at, error: null });
  }

  async markFailed(ids: readonly string[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.em().nativeUpdate(WebhookDelivery, { id: { $in: [...ids] }, status: "ACCEPTED" }, { status: "FAILED", error });
  }

  async list(companyId: string, first: number, after: string | null): Promise<DeliveryPage> {
    const cursor = after ? decodeCursor(after, ["seq"]) : null;
    if (cursor && typeof cursor[0] !== "number") throw badInput("The cursor is not one this API gave out.", "after");
    const em = this.db.em();
    const where = cursor ? { company: companyId, seq: { $lt: cursor[0] as number } } : { company: companyId };
    const [rows, totalCount] = await Promise.all([
      em.find(WebhookDelivery, where, { orderBy: { seq: "desc" }, limit: first + 1 }),
      em.count(WebhookDelivery, { company: companyId }),
    ]);
    return { deliveries: rows.slice(0, first).map((row) => ({ cursor: encodeCursor([row.seq]), delivery: toRecord(row) })), totalCount, hasNextPage: rows.length > first };
  }
}

function toRecord(row: WebhookDelivery): DeliveryRecord {
  return {
    id: row.id,
    companyId: typeof row.company === "string" ? row.company : (row.company as { id: string }).id,
    receivedAt: row.receivedAt,
    eventType: row.eventType,
    bobEmployeeId: row.bobEmployeeId ?? null,
    employeeIds: row.employeeIds,
    status: row.status as DeliveryStatus,
    error: row.error ?? null,
  };
}
