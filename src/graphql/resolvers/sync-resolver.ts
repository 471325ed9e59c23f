import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { SyncProgressEvent, SyncRunRecord } from "../../domain/sync/sync-run.js";
import { connectionOf } from "../connection.js";
import type { GraphQLContext } from "../context.js";
import { progressStream } from "../progress-stream.js";
import {
  EmployeeChange,
  SyncIssue,
  SyncProgress,
  SyncRun,
  SyncRunConnection,
  SynchronizeNowInput,
} from "../types/sync.js";

@Resolver(() => SyncRun)
export class SyncResolver {
  @Query(() => SyncRunConnection, { description: "Newest first." })
  async syncRuns(
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<SyncRunConnection> {
    const page = await ctx.services.sync.runs(ctx.caller, first, after);
    return connectionOf(page.runs, ({ run }) => run as SyncRun, page);
  }

  @Query(() => SyncRun, { nullable: true })
  async syncRun(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<SyncRun | null> {
    return (await ctx.services.sync.run(ctx.caller, id)) as SyncRun | null;
  }

  @Mutation(() => SyncRun, {
    description:
      "Start a full sync (or a dry run that only plans). Returns at once with the queued run; if one of the same kind is queued or running, returns that run instead.",
  })
  async synchronizeNow(
    @Arg("input", () => SynchronizeNowInput, { nullable: true }) input: SynchronizeNowInput | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SyncRun> {
    return (await ctx.services.sync.synchronizeNow(ctx.caller, { dryRun: input?.dryRun ?? false })) as SyncRun;
  }

  @Mutation(() => SyncRun, { description: "Apply a run that the deletion safeguard held." })
  async approveHeldSync(@Arg("runId", () => ID) runId: string, @Ctx() ctx: GraphQLContext): Promise<SyncRun> {
    return (await ctx.services.sync.approveHeldSync(ctx.caller, runId)) as SyncRun;
  }

  @FieldResolver(() => [SyncIssue])
  async issues(
    @Root() run: SyncRunRecord,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SyncIssue[]> {
    return ctx.services.sync.issues(run.id, first);
  }

  @FieldResolver(() => [EmployeeChange], { description: "Planned (dry run, HELD) or applied." })
  async changes(
    @Root() run: SyncRunRecord,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<EmployeeChange[]> {
    return (await ctx.services.sync.changes(run.id, first)) as EmployeeChange[];
  }

  @Subscription(() => SyncProgress, {
    description:
      "Live progress of the company's sync runs (of one run when runId is given). The first event for a run already under way is its current state.",
    subscribe: ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const runId = (args.runId as string | null | undefined) ?? null;
      return progressStream({
        bus: ctx.services.progress,
        companyId: ctx.caller.companyId,
        runId,
        current: () => ctx.services.sync.progressSnapshot(ctx.caller, runId),
      });
    },
  })
  syncProgress(
    @Root() event: SyncProgressEvent,
    @Arg("runId", () => ID, { nullable: true }) _runId: string | null,
  ): SyncProgress {
    return event as SyncProgress;
  }
}
