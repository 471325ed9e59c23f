import { attributeNameKey, type Attribute } from "../attributes/attribute.js";
import type { Caller } from "../caller.js";
import { badInput } from "../errors.js";
import type { AttributeStore } from "../ports/attribute-store.js";
import type { Clock } from "../ports/clock.js";
import type { CompanyStore } from "../ports/company-store.js";
import type { DirectoryEmployee, DirectoryStore } from "../ports/directory-store.js";
import type { SyncRunStore } from "../ports/sync-run-store.js";
import { isCalendarDate } from "../mapping/calendar-date.js";
import { todayIn } from "../mapping/lifecycle.js";
import type { SurveyImpact } from "./survey-impact.js";
import { surveyPopulation, type SurveyPopulation } from "./survey-population.js";

/**
 * Survey planning for admins: who is surveyed on a coming day, and how a sync run changes who is
 * surveyed today. The rule itself lives in sync/lifecycle.ts; this only gathers the inputs.
 */
export class SurveyService {
  constructor(
    private readonly deps: {
      readonly directory: DirectoryStore;
      readonly attributes: AttributeStore;
      readonly companies: CompanyStore;
      readonly runs: SyncRunStore;
      readonly clock: Clock;
    },
  ) {}

  /**
   * The population on `on` (the company's today or later) as the directory stands now, grouped by
   * the attribute named `groupBy` (names compare as attribute names do). An EMPLOYEE attribute's
   * values are Bob ids: its groups are the referenced people's names ("First Last"; the Bob id when
   * that person is not in the directory), so two namesakes share a group.
   */
  async population(
    caller: Caller,
    input: { readonly on: string; readonly groupBy?: string | null },
  ): Promise<SurveyPopulation<DirectoryEmployee>> {
    if (!isCalendarDate(input.on)) throw badInput(`"${input.on}" is not a calendar date YYYY-MM-DD.`, "on");
    const [{ settings }, attributes, employees] = await Promise.all([
      this.deps.companies.getIntegration(caller.companyId),
      input.groupBy === null || input.groupBy === undefined ? null : this.deps.attributes.list(caller.companyId),
      this.deps.directory.employeesOf(caller.companyId),
    ]);
    const today = todayIn(settings.timeZone, this.deps.clock.now());
    if (input.on < today)
      throw badInput(
        `The date must be today (${today} in the company's time zone, ${settings.timeZone}) or later; it was ${input.on}.`,
        "on",
      );
    if (attributes === null) return surveyPopulation(employees, { today, on: input.on });
    const attribute = attributeNamed(attributes, input.groupBy as string);
    const names =
      attribute.type === "EMPLOYEE"
        ? new Map(employees.map((e) => [e.bobId, `${e.firstName} ${e.lastName}`.trim()]))
        : null;
    return surveyPopulation(employees, { today, on: input.on }, (e) => {
      const value = e.attributes[attribute.id];
      if (value === undefined) return null;
      return names === null ? value : (names.get(value) ?? value);
    });
  }

  /** The stored impact of each of the caller's runs that has one (not runs that predate it or failed before planning). */
  runImpacts(caller: Caller, runIds: readonly string[]): Promise<Map<string, SurveyImpact>> {
    return this.deps.runs.surveyImpacts(caller.companyId, runIds);
  }
}

function attributeNamed(attributes: readonly Attribute[], name: string): Attribute {
  const key = attributeNameKey(name);
  const found = key === "" ? undefined : attributes.find((a) => attributeNameKey(a.name) === key);
  if (found === undefined) throw badInput(`The company has no attribute named "${name}" to group by.`, "groupBy");
  return found;
}
