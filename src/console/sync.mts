/** Loading the integration, starting runs, and following their progress live (syncProgress). */
import { gql, subscribe, type Subscription } from "./api.mjs";
import { store } from "./state.mjs";
import {
  ApproveHeldSyncDocument,
  LoadIntegrationDocument,
  SyncProgressDocument,
  SynchronizeNowDocument,
} from "./generated/graphql.mjs";
import type { Integration, Progress, RunSummary } from "./types.mjs";

const PHASE_ORDER = ["QUEUED", "FETCHING", "PLANNING", "APPLYING", "DONE"] as const;

export async function loadIntegration(): Promise<Integration> {
  const { integration } = await gql(LoadIntegrationDocument);
  store.setIntegration(integration);
  return integration;
}

/** Percent shown by the progress bars: processed/total while applying, 100 once done. */
export function percentOf(progress: Progress): number {
  if (progress.phase === "DONE") return 100;
  if (progress.phase === "APPLYING" && progress.total)
    return Math.min(100, Math.floor((progress.processed / progress.total) * 100));
  return 0;
}

export function phaseLabel(progress: Progress): string {
  if (progress.status === "HELD") return "Held by the deletion safeguard: waiting for approval";
  switch (progress.phase) {
    case "QUEUED":
      return "Waiting to start";
    case "FETCHING":
      return "Fetching employees from Bob";
    case "PLANNING":
      return "Planning changes";
    case "APPLYING":
      return progress.total ? `Applying changes: ${progress.processed} of ${progress.total}` : "Applying changes";
    case "DONE":
      return progress.status === "FAILED"
        ? "Failed"
        : progress.status === "PARTIAL"
          ? "Done, some employees skipped"
          : "Done";
  }
}

/** An event moves the bar only forward: two streams (company-wide, one run) may both report a run. */
function isNewer(next: Progress, current: Progress | null): boolean {
  if (!current || current.runId !== next.runId) return true;
  const a = PHASE_ORDER.indexOf(next.phase);
  const b = PHASE_ORDER.indexOf(current.phase);
  if (a !== b) return a > b;
  return next.processed >= current.processed || next.status !== current.status;
}

function accept(progress: Progress): void {
  if (!isNewer(progress, store.progress)) return;
  store.setProgress(progress);
  if (progress.phase === "DONE" || progress.status === "HELD") {
    store.emit("runs");
    void loadIntegration().catch(() => undefined);
  }
}

const fromRun = (run: RunSummary): Progress => ({
  runId: run.id,
  status: run.status,
  phase: run.phase,
  processed: 0,
  total: null,
  counts: run.counts,
});

let companyWide: Subscription | null = null;
const perRun = new Map<string, Subscription>();

/** Every run of the company (scheduled ones, another admin's), for as long as the console is open. */
export function startLiveUpdates(): void {
  companyWide ??= subscribe(
    SyncProgressDocument,
    { id: null },
    {
      next: (data) => accept(data.syncProgress),
      error: () => {
        companyWide = null;
      },
    },
  );
}

export function stopLiveUpdates(): void {
  companyWide?.stop();
  companyWide = null;
  for (const sub of perRun.values()) sub.stop();
  perRun.clear();
}

/** One run from its current state on, so a run that finishes before the first event is not missed. */
export function watchRun(runId: string): void {
  perRun.get(runId)?.stop();
  const sub = subscribe(
    SyncProgressDocument,
    { id: runId },
    {
      next: (data) => accept(data.syncProgress),
      complete: () => perRun.delete(runId),
      error: () => perRun.delete(runId),
    },
  );
  perRun.set(runId, sub);
}

export async function synchronizeNow(dryRun: boolean): Promise<RunSummary> {
  const { synchronizeNow: run } = await gql(SynchronizeNowDocument, { i: { dryRun } });
  if (store.progress?.runId !== run.id) store.setProgress(fromRun(run));
  watchRun(run.id);
  return run;
}

export async function approveHeldSync(runId: string): Promise<RunSummary> {
  const { approveHeldSync: run } = await gql(ApproveHeldSyncDocument, { id: runId });
  store.setProgress(fromRun(run)); // the held run starts over: QUEUED again
  watchRun(run.id);
  void loadIntegration().catch(() => undefined);
  return run;
}
