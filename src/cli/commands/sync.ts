/** sync, runs, run, approve: full syncs and their history. */
import { CliError, EXIT, usageError, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { keyValues, section, table } from "../format.js";
import {
  ApproveHeldSyncDocument,
  SyncProgressDocument,
  SyncRunDetailDocument,
  SyncRunsDocument,
  SynchronizeNowDocument,
  type CountsFragment,
  type RunSummaryFragment,
  type SyncRunDetailQuery,
} from "../generated/graphql.js";
import { ProgressBar } from "../progress-bar.js";

type Counts = CountsFragment;
type RunSummary = RunSummaryFragment;
type RunDetail = NonNullable<SyncRunDetailQuery["syncRun"]>;

const countsPairs = (c: Counts): [string, number][] => [
  ["fetched", c.fetched],
  ["created", c.created],
  ["updated", c.updated],
  ["deleted", c.deleted],
  ["unchanged", c.unchanged],
  ["skipped", c.skipped],
];

function runHeader(run: RunSummary): string {
  return keyValues([
    ["run", run.id],
    ["status", run.status],
    ["phase", run.phase],
    ["dry run", run.dryRun],
    ["trigger", run.trigger],
    ["queued at", run.queuedAt],
    ["started at", run.startedAt],
    ["finished at", run.finishedAt],
    ...(run.error ? ([["error", run.error]] as [string, unknown][]) : []),
  ]);
}

function describeRun(run: RunDetail): string {
  const parts = [runHeader(run), section("Counts", keyValues(countsPairs(run.counts)))];
  parts.push(
    section(
      `Issues (${run.issues.length}${run.issues.length >= 500 ? "+" : ""})`,
      run.issues.length === 0
        ? "none"
        : table(run.issues, [
            { header: "CODE", value: (i) => i.code },
            { header: "BOB ID", value: (i) => i.bobEmployeeId },
            { header: "EMAIL", value: (i) => i.email },
            { header: "MESSAGE", value: (i) => i.message },
          ]),
    ),
  );
  parts.push(
    section(
      `Changes (${run.changes.length}${run.changes.length >= 1000 ? "+" : ""})`,
      run.changes.length === 0
        ? "none"
        : table(run.changes, [
            { header: "ACTION", value: (c) => c.action },
            { header: "BOB ID", value: (c) => c.bobEmployeeId },
            { header: "EMAIL", value: (c) => c.email },
            { header: "FIELDS", value: (c) => c.fields },
          ]),
    ),
  );
  return parts.join("\n");
}

/** Exit code and stderr hint for how a followed run ended. */
function outcome(ctx: CommandContext, run: RunSummary): ExitCode {
  if (run.status === "FAILED") {
    ctx.err(`Sync run ${run.id} FAILED${run.error ? `: ${run.error}` : ""}`);
    return EXIT.RUN_FAILED;
  }
  if (run.status === "HELD") {
    ctx.err(
      `Sync run ${run.id} is HELD by the deletion safeguard (it would delete ${run.counts.deleted} employees). ` +
        `Review it with \`bob-gateway run ${run.id}\`, then apply it with \`bob-gateway approve ${run.id}\`.`,
    );
    return EXIT.RUN_HELD;
  }
  return EXIT.OK;
}

export async function sync(ctx: CommandContext): Promise<ExitCode> {
  const dryRun = ctx.flags["dry-run"];
  const started = await ctx.client.request(SynchronizeNowDocument, { i: { dryRun } });
  const run = started.synchronizeNow;
  if (!ctx.flags.wait) {
    emit(
      ctx,
      started,
      () =>
        `${dryRun ? "Dry run" : "Sync"} ${run.id} is ${run.status} (${run.phase}).\nFollow it: bob-gateway sync --wait, or bob-gateway run ${run.id}`,
    );
    return EXIT.OK;
  }

  const bar = new ProgressBar(ctx.progress);
  ctx.err(`${dryRun ? "Dry run" : "Sync"} ${run.id} ${run.status === "QUEUED" ? "queued" : "under way"}`);
  try {
    await ctx.client.subscribe(
      SyncProgressDocument,
      { id: run.id },
      (event) => bar.update(event.syncProgress),
      (event) =>
        event.syncProgress.phase === "DONE" ||
        event.syncProgress.status === "HELD" ||
        event.syncProgress.status === "FAILED",
    );
  } finally {
    bar.done();
  }
  const finished = await ctx.client.request(SyncRunDetailDocument, { id: run.id, issues: 20, changes: 0 });
  const result = finished.syncRun;
  if (!result) throw new CliError(`Sync run ${run.id} disappeared.`, EXIT.API_ERROR, "NOT_FOUND");
  emit(ctx, finished, () => {
    const lines = [
      `${result.dryRun ? "Dry run" : "Sync"} ${result.id}: ${result.status}`,
      table(
        [result.counts],
        countsPairs(result.counts).map(([k]) => ({
          header: k.toUpperCase(),
          value: (c: Counts) => c[k as keyof Counts],
          align: "right" as const,
        })),
      ),
    ];
    if (result.issues.length > 0) {
      const skipped = result.counts.skipped > 0 ? `, ${result.counts.skipped} employee(s) skipped` : "";
      lines.push(
        `${result.issues.length}${result.issues.length >= 20 ? "+" : ""} issue(s)${skipped}: bob-gateway run ${result.id}`,
      );
    }
    return lines.join("\n");
  });
  return outcome(ctx, result);
}

export async function runs(ctx: CommandContext): Promise<ExitCode> {
  const first = ctx.flags.limit ?? 20;
  const data = await ctx.client.request(SyncRunsDocument, { first: Math.min(first, 500) });
  emit(ctx, data, () => {
    const rows = data.syncRuns.edges.map((e) => e.node);
    if (rows.length === 0) return "No sync runs yet: bob-gateway sync --wait";
    return `${table(rows, [
      { header: "ID", value: (r) => r.id },
      { header: "STATUS", value: (r) => r.status },
      { header: "PHASE", value: (r) => r.phase },
      { header: "DRY", value: (r) => r.dryRun },
      { header: "TRIGGER", value: (r) => r.trigger },
      { header: "QUEUED AT", value: (r) => r.queuedAt },
      { header: "FINISHED AT", value: (r) => r.finishedAt },
      { header: "FETCHED", value: (r) => r.counts.fetched, align: "right" },
      { header: "CREATED", value: (r) => r.counts.created, align: "right" },
      { header: "UPDATED", value: (r) => r.counts.updated, align: "right" },
      { header: "DELETED", value: (r) => r.counts.deleted, align: "right" },
      { header: "UNCHANGED", value: (r) => r.counts.unchanged, align: "right" },
      { header: "SKIPPED", value: (r) => r.counts.skipped, align: "right" },
    ])}\n${rows.length} of ${data.syncRuns.totalCount} runs`;
  });
  return EXIT.OK;
}

export async function run(ctx: CommandContext): Promise<ExitCode> {
  const id = ctx.args[0];
  if (!id) throw usageError("run needs a run id: bob-gateway run <id> (ids: bob-gateway runs)");
  const limit = Math.min(ctx.flags.limit ?? 500, 1000);
  const data = await ctx.client.request(SyncRunDetailDocument, { id, issues: Math.min(limit, 500), changes: limit });
  if (!data.syncRun) throw new CliError(`No sync run ${id} in this company.`, EXIT.API_ERROR, "NOT_FOUND");
  const detail = data.syncRun;
  emit(ctx, data, () => describeRun(detail));
  return EXIT.OK;
}

export async function approve(ctx: CommandContext): Promise<ExitCode> {
  const id = ctx.args[0];
  if (!id) throw usageError("approve needs a HELD run's id: bob-gateway approve <id>");
  const data = await ctx.client.request(ApproveHeldSyncDocument, { id });
  emit(
    ctx,
    data,
    () => `Run ${data.approveHeldSync.id} approved: ${data.approveHeldSync.status} (${data.approveHeldSync.phase}).`,
  );
  return EXIT.OK;
}
