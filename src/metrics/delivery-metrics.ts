import type { DeliveryOutcome, DeliveryStore } from "../domain/ports/delivery-store.js";
import type { BobWebhookEvent } from "../domain/webhooks/bob-event.js";
import { BoundedMap } from "./bounded-map.js";
import type { GatewayMetrics } from "./gateway-metrics.js";

/** Receipt times remembered between pending() and markOutcomes(): a few drains' worth. */
const RECEIPTS_KEPT = 50_000;

/**
 * The delivery store, counting what it stores and settles, and observing apply lag. The lag is
 * `at` (the applier's clock when it marks the outcomes) minus the record's receivedAt (the
 * intake's clock), both read by the applier from pending(): no extra query. Only deliveries this
 * process applied are observed, so replicas' sums do not double count. markOutcomes() only settles
 * deliveries still ACCEPTED; a rare race with a give-up is counted as the applier saw it.
 */
export function observedDeliveries<S extends DeliveryStore>(store: S, metrics: GatewayMetrics): S {
  const receivedAt = new BoundedMap<string, number>(RECEIPTS_KEPT);
  const wrapped: Partial<DeliveryStore> = {
    async accept(companyId: string, event: BobWebhookEvent, bodyHash: string, at: Date) {
      const result = await store.accept(companyId, event, bodyHash, at);
      metrics.deliveriesReceived.inc({
        outcome: result.duplicate ? "duplicate" : event.disposition === "IGNORE" ? "ignored" : "accepted",
      });
      return result;
    },
    async pending(companyId: string, limit: number) {
      const records = await store.pending(companyId, limit);
      for (const record of records) receivedAt.set(record.id, record.receivedAt.getTime());
      return records;
    },
    async markOutcomes(outcomes: readonly DeliveryOutcome[], at: Date) {
      await store.markOutcomes(outcomes, at);
      for (const outcome of outcomes) {
        metrics.deliveriesSettled.inc({ status: outcome.status });
        const received = receivedAt.take(outcome.id);
        if (received !== undefined) metrics.applyLag.observe(Math.max(0, at.getTime() - received) / 1000);
      }
    },
    async markFailed(ids: readonly string[], error: string) {
      await store.markFailed(ids, error);
      if (ids.length > 0) metrics.deliveriesSettled.inc({ status: "FAILED" }, ids.length);
      for (const id of ids) receivedAt.take(id);
    },
  };
  return new Proxy(store, {
    get(target, name) {
      const own = Reflect.get(wrapped, name) as unknown;
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
