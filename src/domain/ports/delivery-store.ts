import type { BobWebhookEvent } from "../webhooks/bob-event.js";

export type DeliveryStatus = "ACCEPTED" | "APPLIED" | "IGNORED" | "FAILED";

export interface DeliveryRecord {
  readonly id: string;
  readonly companyId: string;
  readonly receivedAt: Date;
  readonly eventType: string;
  readonly bobEmployeeId: string | null;
  readonly employeeIds: readonly string[];
  readonly status: DeliveryStatus;
  readonly error: string | null;
}

export interface DeliveryPage {
  readonly deliveries: { readonly cursor: string; readonly delivery: DeliveryRecord }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
}

export interface DeliveryStore {
  /**
   * Stores a verified delivery and, when it has work to do, its job, in one transaction. The
   * same body again is stored as IGNORED (duplicate) and gets no job.
   */
  accept(companyId: string, event: BobWebhookEvent, bodyHash: string, receivedAt: Date): Promise<{ id: string; duplicate: boolean }>;
  /** ACCEPTED deliveries of the company, oldest first. */
  pending(companyId: string, limit: number): Promise<DeliveryRecord[]>;
  markApplied(ids: readonly string[], at: Date): Promise<void>;
  markFailed(ids: readonly string[], error: string): Promise<void>;
  list(companyId: string, first: number, after: string | null): Promise<DeliveryPage>;
}
