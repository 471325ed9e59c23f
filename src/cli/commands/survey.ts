/** survey: who is surveyable on a coming day, who joins and who leaves until then, optionally by an attribute. */
import { EXIT, usageError, type ExitCode } from "../client.js";
import { emit, type CommandContext } from "../context.js";
import { section, table, type Column } from "../format.js";
import {
  SurveyPopulationDocument,
  type SurveyPersonFragment,
  type SurveyPopulationQuery,
} from "../generated/graphql.js";

type Person = SurveyPersonFragment;
type Population = SurveyPopulationQuery["surveyPopulation"];
type Group = Population["groups"][number];

const people = (rows: readonly Person[], date: "startDate" | "separationDate", dateHeader: string): string => {
  const columns: Column<Person>[] = [
    { header: dateHeader, value: (p) => p[date] },
    { header: "NAME", value: (p) => `${p.firstName} ${p.lastName}` },
    { header: "EMAIL", value: (p) => p.email },
    { header: "BOB ID", value: (p) => p.bobId },
  ];
  return rows.length === 0 ? "nobody" : table(rows, columns);
};

function describe(p: Population, by: string | undefined): string {
  const parts = [
    `Surveyable on ${p.on}: ${p.surveyable} (joining ${p.joining.length}, leaving ${p.leaving.length} from today)`,
    section(
      `Joining (${p.joining.length}): future hires starting by ${p.on}`,
      people(p.joining, "startDate", "STARTS"),
    ),
    section(
      `Leaving (${p.leaving.length}): separation date passed by ${p.on}`,
      people(p.leaving, "separationDate", "LAST DAY"),
    ),
  ];
  if (by !== undefined) {
    const columns: Column<Group>[] = [
      { header: by.toUpperCase(), value: (g) => g.value ?? "(no value)" },
      { header: "SURVEYABLE", value: (g) => g.surveyable, align: "right" },
      { header: "JOINING", value: (g) => g.joining, align: "right" },
      { header: "LEAVING", value: (g) => g.leaving, align: "right" },
    ];
    parts.push(section(`By ${by}`, p.groups.length === 0 ? "nobody" : table(p.groups, columns)));
  }
  return parts.join("\n");
}

export async function survey(ctx: CommandContext): Promise<ExitCode> {
  const on = ctx.flags.on;
  if (on === undefined)
    throw usageError(
      "survey needs --on DATE (YYYY-MM-DD, today or later): bob-gateway survey --on 2026-07-01 [--by Department]",
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(on)) throw usageError(`--on must be a date YYYY-MM-DD (got "${on}").`);
  const by = ctx.flags.by?.trim() || undefined;
  const data = await ctx.client.request(SurveyPopulationDocument, { on, by: by ?? null });
  emit(ctx, data, () => describe(data.surveyPopulation, by));
  return EXIT.OK;
}
