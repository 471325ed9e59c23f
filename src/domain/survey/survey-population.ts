import type { EmployeeRecord } from "../mapping/employee-record.js";
import { isSurveyable } from "../mapping/lifecycle.js";

/** One value of the groupBy attribute (null: employees without a value) and its counts. */
export interface PopulationGroup {
  readonly value: string | null;
  readonly surveyable: number;
  readonly joining: number;
  readonly leaving: number;
}

export interface SurveyPopulation<E extends EmployeeRecord> {
  readonly today: string;
  readonly on: string;
  /** Surveyable today and on `on`, as the directory stands now. */
  readonly surveyableToday: number;
  readonly surveyable: number;
  /** Not surveyable today, surveyable on `on` (future hires starting): by start date, then name. */
  readonly joining: E[];
  /** Surveyable today, not on `on` (their separation date passes): by separation date, then name. */
  readonly leaving: E[];
  /** Empty without a grouping; else every value someone surveyable, joining or leaving has, null last. */
  readonly groups: PopulationGroup[];
}

/**
 * Who is surveyable on `on` (today or later), and who joins or leaves the surveyed population
 * between `today` and then, by the one lifecycle rule (deriveLifecycle): the same answer the
 * directory's `surveyable` gives on each of the two days (isSurveyable is deriveLifecycle's). Pure; `groupOf` names an employee's
 * group (null: no value) when the caller groups.
 */
export function surveyPopulation<E extends EmployeeRecord>(
  employees: Iterable<E>,
  days: { readonly today: string; readonly on: string },
  groupOf?: (employee: E) => string | null,
): SurveyPopulation<E> {
  const { today, on } = days;
  let surveyableToday = 0;
  let surveyable = 0;
  const joining: E[] = [];
  const leaving: E[] = [];
  const groups = new Map<string | null, { surveyable: number; joining: number; leaving: number }>();
  for (const employee of employees) {
    const now = isSurveyable(employee, today);
    const then = on === today ? now : isSurveyable(employee, on);
    if (!now && !then) continue; // left long ago, or starting after `on`: in no count
    if (now) surveyableToday++;
    if (then) surveyable++;
    if (then && !now) joining.push(employee);
    if (now && !then) leaving.push(employee);
    if (groupOf === undefined) continue;
    const key = groupOf(employee);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { surveyable: 0, joining: 0, leaving: 0 }));
    if (then) group.surveyable++;
    if (then && !now) group.joining++;
    if (now && !then) group.leaving++;
  }
  joining.sort((a, b) => byDateThenName(a.startDate, b.startDate, a, b));
  leaving.sort((a, b) => byDateThenName(a.separationDate, b.separationDate, a, b));
  return {
    today,
    on,
    surveyableToday,
    surveyable,
    joining,
    leaving,
    groups: [...groups].map(([value, counts]) => ({ value, ...counts })).sort(byValueNullLast),
  };
}

const text = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function byDateThenName(x: string | null, y: string | null, a: EmployeeRecord, b: EmployeeRecord): number {
  // Calendar dates order as text; neither is null here (a joiner has a start date, a leaver a separation date).
  const day = (x ?? "").localeCompare(y ?? "");
  return day !== 0
    ? day
    : text.compare(a.lastName, b.lastName) ||
        text.compare(a.firstName, b.firstName) ||
        (a.bobId < b.bobId ? -1 : a.bobId > b.bobId ? 1 : 0);
}

function byValueNullLast(a: PopulationGroup, b: PopulationGroup): number {
  if (a.value === null || b.value === null) return a.value === b.value ? 0 : a.value === null ? 1 : -1;
  return text.compare(a.value, b.value) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}
