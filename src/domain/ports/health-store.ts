/** What the integration's health is computed from, read in one statement. */
export interface HealthFacts {
  readonly lastSuccessfulSyncAt: Date | null;
  readonly lastDeliveryAt: Date | null;
  readonly deliveriesSince: number;
  readonly failedDeliveriesSince: number;
  readonly driftRepairedSince: number;
  readonly refusedReason: string | null;
}

export interface HealthStore {
  /** Deliveries counted since `deliveriesSince`, drift repaired by runs finished since `driftSince`. */
  facts(companyId: string, deliveriesSince: Date, driftSince: Date): Promise<HealthFacts>;
}
