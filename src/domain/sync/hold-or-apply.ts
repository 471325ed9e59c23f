import { DomainError } from "../errors.js";
import type { IntegrationRecord } from "../integration/integration.js";
import type { Clock } from "../ports/clock.js";
import type { DirectoryStore } from "../ports/directory-store.js";
import type { Notifier } from "../ports/notifier.js";
import type { ProgressBus } from "../ports/progress-bus.js";
import type { SyncRunPatch, SyncRunStore } from "../ports/sync-run-store.js";
import { todayIn } from "../mapping/lifecycle.js";
import { countPlannedDeletionShare, fitsDirectory } from "../mapping/plan-checks.js";
import { surveyImpactOf } from "../survey/survey-impact.js";
import type { RunApplier } from "./run-applier.js";
import type { PlannedRun, PlanToApply } from "./run-planner.js";
import { finishPatch, type RunSteps } from "./run-steps.js";
import { settle, unwrap } from "./settled.js";
import { progressOf, type HeldPlan, type SyncCounts, type SyncRunRecord } from "./sync-run.js";

/**
 * What follows a run's plan: a dry run ends with it; a plan that deletes too much is HELD for an
 * admin; any other is applied (a HELD one once approved), and the run is DONE.
 */
export class HoldOrApply {
  constructor(
    private readonly deps: {
      readonly runs: SyncRunStore;
      readonly directory: DirectoryStore;
      readonly progress: ProgressBus;
      readonly clock: Clock;
      readonly steps: RunSteps;
      readonly applier: RunApplier;
      readonly notifier?: Notifier | undefined;
    },
  ) {}

  /** `started`: the integration as the run started; a run goes by the settings it started with. */
  async complete(queued: SyncRunRecord, planned: PlannedRun, started: IntegrationRecord): Promise<SyncRunRecord> {
    const { plan, outcome } = planned;
    const total = plan.creates.length + plan.updates.length + plan.deletes.length;
    const settings = started.settings;
    // Real-time updates were on when the run started: whatever it changes, the webhooks missed (drift).
    const counts: SyncCounts = {
      ...planned.counts,
      driftRepaired: !queued.dryRun && started.connection?.hasHookSecret === true ? total : 0,
    };
    // Who becomes or stops being surveyable today by this plan: stored with the outcome, so dry
    // and HELD runs show it before anything is applied.
    const surveyImpact = surveyImpactOf(plan, todayIn(settings.timeZone, this.deps.clock.now()));
    /** The outcome with the next step, once the PLANNING step's statement has ended too. */
    const saveWith = async (next?: SyncRunPatch): Promise<SyncRunRecord> => {
      const saved = await settle(
        this.deps.runs.saveOutcome(queued.id, outcome.issues, outcome.changes, next, surveyImpact),
      );
      unwrap(await planned.planning);
      return unwrap(saved);
    };
    if (queued.dryRun)
      return await this.deps.steps.publish(await saveWith(finishPatch(counts, plan.partial, this.deps.clock.now())));

    if (countPlannedDeletionShare(plan, planned.directorySize) > settings.deletionSafeguardPercent) {
      await saveWith();
      return await this.hold(queued.id, plan, counts, total);
    }
    // Nothing to write (Bob unchanged): the run ends with its outcome, as a dry run does, without an APPLYING step.
    if (total === 0 && plan.fingerprintRefreshes.length === 0) {
      return await this.deps.steps.publish(
        await saveWith({ ...finishPatch(counts, plan.partial, this.deps.clock.now(), 0), total: 0 }),
      );
    }
    // The outcome and the APPLYING step in one statement.
    const applying = await this.deps.steps.publish(await saveWith({ phase: "APPLYING", counts, processed: 0, total }));
    // Unchanged employees whose source fingerprint is new (a new mapping context, or bytes that
    // changed without changing the record) get it with the last batch: the next resync recognises them.
    await this.deps.applier.apply(
      applying,
      plan,
      applying.trigger === "SCHEDULED" ? "SCHEDULED_SYNC" : "FULL_SYNC",
      plan.fingerprintRefreshes,
    );
    return await this.deps.steps.finish(queued.id, counts, plan.partial, total);
  }

  /** Applies the plan an admin approved, exactly as it was held, unless the directory moved since. */
  async applyApproved(run: SyncRunRecord, held: HeldPlan): Promise<SyncRunRecord> {
    const directory = await this.deps.directory.loadRecords(run.companyId);
    if (!fitsDirectory(held, directory)) {
      throw new DomainError(
        "CONFLICT",
        "The directory changed since this run was held; its plan no longer applies. Synchronize again.",
      );
    }
    const counts: SyncCounts = {
      ...run.counts,
      created: held.creates.length,
      updated: held.updates.length,
      deleted: held.deletes.length,
    };
    const total = held.creates.length + held.updates.length + held.deletes.length;
    const applying = await this.deps.steps.step(run.id, { phase: "APPLYING", counts, processed: 0, total });
    await this.deps.applier.apply(applying, held, "APPROVED_SYNC");
    return this.deps.steps.finish(run.id, counts, run.counts.skipped > 0, total);
  }

  /** Counts and changes show what the plan would do, as for a dry run; nothing is applied. */
  private async hold(runId: string, plan: PlanToApply, counts: SyncCounts, total: number): Promise<SyncRunRecord> {
    const hold: HeldPlan = { creates: plan.creates, updates: plan.updates, deletes: plan.deletes };
    const run = await this.deps.runs.hold(runId, hold, { status: "HELD", phase: "PLANNING", counts, total });
    await this.deps.progress.publish(progressOf(run));
    await this.deps.notifier?.notify(run.companyId, {
      type: "RUN_HELD",
      run: { id: run.id, status: run.status, error: run.error },
    });
    return run;
  }
}
