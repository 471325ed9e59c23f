import type { Caller } from "../caller.js";
import type { Clock } from "../ports/clock.js";
import type { HealthStore } from "../ports/health-store.js";

export interface IntegrationHealth {
  readonly lastSuccessfulSyncAt: Date | null;
  readonly lastDeliveryAt: Date | null;
  readonly deliveriesLast24h: number;
  readonly failedDeliveriesLast24h: number;
  /** Employees full syncs had to change in the last 7 days although real-time updates were on: what webhooks missed. */
  readonly driftRepairedLast7Days: number;
  readonly needsReconnectReason: string | null;
}

const DAY_MS = 86_400_000;

/** Connection health: what an admin (or an operator) checks to know the sync is alive. */
export class HealthService {
  constructor(private readonly deps: { readonly health: HealthStore; readonly clock: Clock }) {}

  async health(caller: Caller): Promise<IntegrationHealth> {
    const now = this.deps.clock.now().getTime();
    const facts = await this.deps.health.facts(caller.companyId, new Date(now - DAY_MS), new Date(now - 7 * DAY_MS));
    return {
      lastSuccessfulSyncAt: facts.lastSuccessfulSyncAt,
      lastDeliveryAt: facts.lastDeliveryAt,
      deliveriesLast24h: facts.deliveriesSince,
      failedDeliveriesLast24h: facts.failedDeliveriesSince,
      driftRepairedLast7Days: facts.driftRepairedSince,
      needsReconnectReason: facts.refusedReason,
    };
  }
}
