import { DomainError } from "../errors.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { CompanyLock } from "../ports/company-lock.js";
import type { Clock } from "../ports/clock.js";
import type { ConnectionStore } from "../ports/connection-store.js";
import type { DeliveryStore } from "../ports/delivery-store.js";
import type { DirectoryStore } from "../ports/directory-store.js";
import type { FullSyncRunner } from "../sync/full-sync-runner.js";
import { planSync } from "../mapping/plan.js";
import { planningScope } from "../mapping/planning-scope.js";
import { applyPlan } from "../sync/apply-batches.js";
import { deliveryOutcomes } from "./delivery-outcomes.js";
import { isCredentialRefusal, recordRefusal, type OnCredentialRefused } from "../integration/credential-refusal.js";

/** How many pending deliveries one drain takes: their employees are fetched together (people search chunks the ids). */
const DRAIN_LIMIT = 10_000;
const APPLY_BATCH = 500;

export interface SettleOptions {
  /** A burst has settled once no delivery arrived for this long (default 250 ms). */
  readonly quietMs?: number;
  /** Never wait longer than this after the first look, so a steady stream is still applied (default 5,000 ms). */
  readonly maxWaitMs?: number;
}

/**
 * Every drain costs at least three Bob calls (field metadata, named lists, one people search),
 * and people search has 50 a minute per credential, shared with full syncs. A steady stream of
 * events (a bulk edit in Bob) is therefore drained at most every 5 s: about 12 searches a minute,
 * a quarter of the budget (every 2 s would take half); a storm lasting a few seconds is one drain
 * and the acks do not compete with a drain's work. A lone event is still applied 250 ms after it.
 */
export const DEFAULT_SETTLE = { quietMs: 250, maxWaitMs: 5_000 } as const;

/**
 * Applies a company's accepted webhook deliveries. Once a burst has settled, everything pending
 * is drained together: the employees they name (each once, however many events name it) are
 * fetched from Bob in as few people searches as the id filter allows (thin v2 events carry no
 * values) and applied through the full sync's own mapping and planning rules. The company lock keeps
 * drains and full syncs apart, and every fetch happens after the deliveries it serves arrived.
 */
export class WebhookApplier {
  constructor(
    private readonly deps: {
      readonly deliveries: DeliveryStore;
      readonly connections: ConnectionStore;
      readonly directory: DirectoryStore;
      readonly attributes: AttributeStore;
      readonly runner: FullSyncRunner;
      readonly lock: CompanyLock;
      readonly clock: Clock;
      readonly settle?: SettleOptions;
      /** Bob refused the stored credential during a drain (told once per refusal). */
      readonly onCredentialRefused?: OnCredentialRefused;
    },
  ) {}

  /** Returns how many deliveries were drained (APPLIED or SKIPPED). Throws (for the job to retry) when Bob is unavailable. */
  async drain(companyId: string): Promise<number> {
    await this.settle(companyId);
    let applied = 0;
    for (;;) {
      let count: number;
      try {
        count = await this.deps.lock.withLock(companyId, () => this.drainOnce(companyId));
      } catch (error) {
        if (!isCredentialRefusal(error)) throw error;
        // NEEDS_RECONNECT: what is pending stays ACCEPTED and is applied once an admin connects again.
        await recordRefusal(
          this.deps.connections,
          companyId,
          error,
          this.deps.clock.now(),
          this.deps.onCredentialRefused,
        );
        return applied;
      }
      applied += count;
      if (count < DRAIN_LIMIT) return applied;
    }
  }

  /**
   * Waits (bounded) while deliveries of the company are still arriving, so a burst is fetched
   * from Bob in one go instead of one people search per wake: the same employee named by many
   * events is fetched once, and Bob's 50-a-minute people-search budget goes much further.
   * Real time (not the injected clock): this is about request timing, not calendar days.
   */
  private async settle(companyId: string): Promise<void> {
    const quietMs = this.deps.settle?.quietMs ?? DEFAULT_SETTLE.quietMs;
    const maxWaitMs = this.deps.settle?.maxWaitMs ?? DEFAULT_SETTLE.maxWaitMs;
    if (maxWaitMs <= 0) return;
    const startedAt = performance.now();
    let last = await this.deps.deliveries.pendingState(companyId);
    let lastChangeAt = startedAt;
    while (last.count > 0) {
      const now = performance.now();
      if (now - lastChangeAt >= quietMs || now - startedAt >= maxWaitMs) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs / 2, 100)));
      const state = await this.deps.deliveries.pendingState(companyId);
      if (state.lastSeq !== last.lastSeq || state.count !== last.count) lastChangeAt = performance.now();
      last = state;
    }
  }

  /** After the last retry: the deliveries still pending are FAILED, with the reason; a full sync repairs them. */
  async giveUp(companyId: string, error: unknown): Promise<void> {
    const pending = await this.deps.deliveries.pending(companyId, DRAIN_LIMIT * 10);
    const reason = error instanceof DomainError ? error.message : "Applying failed unexpectedly.";
    await this.deps.deliveries.markFailed(
      pending.map((d) => d.id),
      `${reason} The next full sync will repair these employees.`,
    );
  }

  private async drainOnce(companyId: string): Promise<number> {
    const pending = await this.deps.deliveries.pending(companyId, DRAIN_LIMIT);
    if (pending.length === 0) return 0;
    const state = await this.deps.connections.loadCredentialState(companyId);
    if (!state) {
      await this.deps.deliveries.markFailed(
        pending.map((d) => d.id),
        "Bob is not connected for this company; nothing was applied.",
      );
      return pending.length;
    }
    // A refused credential is not sent to Bob again: the deliveries wait for an admin to connect.
    if (state.refused !== null) return 0;
    const credential = state.credential;
    const named = [...new Set(pending.flatMap((d) => d.employeeIds))];
    const deletedInBob = new Set(
      pending.filter((d) => d.eventType === "employee.deleted").flatMap((d) => d.employeeIds),
    );
    const fetched = named.length > 0 ? await this.deps.runner.fetch(companyId, credential, named) : null;
    // Only the rows this plan can look at, not the whole company: a drain costs what it names.
    const directory = await this.deps.directory.loadScope(
      companyId,
      planningScope([...named, ...deletedInBob], fetched?.records ?? []),
    );
    if (fetched === null) {
      await this.deps.deliveries.markOutcomes(deliveryOutcomes(pending, [], new Set()), this.deps.clock.now());
      return pending.length;
    }
    // The full sync's planning and applying: issues, fingerprints and batches alike.
    const plan = planSync({
      fetched: fetched.records,
      directory,
      fetchComplete: false,
      issues: fetched.issues,
      attributes: fetched.attributes,
    });
    const returned = new Set<string>(fetched.records.map((r) => r.bobId));
    for (const issue of fetched.issues) if (issue.bobEmployeeId !== null) returned.add(issue.bobEmployeeId);
    // A deleted event is trusted only once Bob no longer returns the employee.
    const deletes = [...deletedInBob].filter((id) => !returned.has(id)).flatMap((id) => directory.get(id) ?? []);
    // Each employee's history names the latest of the drained deliveries that named them.
    const deliveryOf = new Map(pending.flatMap((d) => d.employeeIds.map((bobId) => [bobId, d.id] as const)));
    await applyPlan(
      this.deps.directory,
      companyId,
      { deletes, updates: plan.updates, creates: plan.creates, fingerprints: plan.fingerprintRefreshes },
      {
        history: {
          cause: "WEBHOOK",
          at: this.deps.clock.now(),
          runId: null,
          deliveryOf: (bobId) => deliveryOf.get(bobId) ?? null,
        },
        batchSize: APPLY_BATCH,
        concurrency: 1,
        onCommitted: () => undefined,
      },
    );
    await this.deps.deliveries.markOutcomes(deliveryOutcomes(pending, plan.issues, returned), this.deps.clock.now());
    return pending.length;
  }
}
