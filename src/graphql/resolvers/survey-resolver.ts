import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { pageSize } from "../../domain/paging.js";
import type { SyncRunRecord } from "../../domain/sync/sync-run.js";
import type { SurveyImpact as StoredImpact } from "../../domain/survey/survey-impact.js";
import { MAX_IMPACT_EMPLOYEES } from "../../domain/survey/survey-impact.js";
import type { GraphQLContext } from "../context.js";
import { CalendarDateScalar } from "../scalars.js";
import { SurveyImpact, SurveyImpactEmployee, SurveyPopulation } from "../types/survey.js";
import { SyncRun } from "../types/sync.js";

@Resolver(() => SurveyPopulation)
export class SurveyPopulationResolver {
  @Query(() => SurveyPopulation, {
    description:
      "Who is surveyable on a date (today or later), and who joins or leaves the surveyed population between today and then; grouped by one attribute's value when groupBy names an attribute.",
  })
  async surveyPopulation(
    @Ctx() ctx: GraphQLContext,
    @Arg("on", () => CalendarDateScalar) on: string,
    @Arg("groupBy", () => String, { nullable: true }) groupBy: string | null,
  ): Promise<SurveyPopulation> {
    // joining and leaving are directory employees: EmployeeResolver's field resolvers take them as they are.
    return (await ctx.services.survey.population(ctx.caller, { on, groupBy })) as unknown as SurveyPopulation;
  }
}

@Resolver(() => SyncRun)
export class RunSurveyImpactResolver {
  @FieldResolver(() => SurveyImpact, {
    nullable: true,
    description:
      "How the run's plan changes today's surveyable population (dry runs and HELD runs included); null for runs planned before it was kept, or that failed before planning.",
  })
  async surveyImpact(@Root() run: SyncRunRecord, @Ctx() ctx: GraphQLContext): Promise<SurveyImpact | null> {
    const impact = await impactLoader(ctx).load(run.id);
    return impact === null
      ? null
      : {
          becomesSurveyable: impact.becomes,
          stopsBeingSurveyable: impact.stops,
          allEmployees: impact.employees.map(toEmployee),
        };
  }
}

@Resolver(() => SurveyImpact)
export class SurveyImpactResolver {
  @FieldResolver(() => [SurveyImpactEmployee], {
    description: `Who becomes or stops being surveyable, in the plan's order (deletes, updates, creates); at most ${MAX_IMPACT_EMPLOYEES} are kept.`,
  })
  employees(
    @Root() impact: SurveyImpact,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first: number,
  ): SurveyImpactEmployee[] {
    return impact.allEmployees.slice(0, pageSize(first, 100, MAX_IMPACT_EMPLOYEES));
  }
}

const toEmployee = (e: StoredImpact["employees"][number]): SurveyImpactEmployee => ({
  bobEmployeeId: e.bobId,
  email: e.email,
  becomesSurveyable: e.becomes,
});

/** One statement for every run of a request (a page of syncRuns asking for their impact). */
const loaders = new WeakMap<GraphQLContext, DataLoader<string, StoredImpact | null>>();

function impactLoader(ctx: GraphQLContext): DataLoader<string, StoredImpact | null> {
  let loader = loaders.get(ctx);
  if (loader === undefined) {
    loader = new DataLoader(async (runIds) => {
      const found = await ctx.services.survey.runImpacts(ctx.caller, runIds);
      return runIds.map((id) => found.get(id) ?? null);
    });
    loaders.set(ctx, loader);
  }
  return loader;
}
