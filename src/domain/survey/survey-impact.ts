import type { EmployeeRecord } from "../mapping/employee-record.js";
import { isSurveyable } from "../mapping/lifecycle.js";

/** Employees a run's impact lists at most (the counts are always whole); an initial sync of 50,000 would list everyone. */
export const MAX_IMPACT_EMPLOYEES = 10_000;

export interface SurveyImpactEmployee {
  readonly bobId: string;
  readonly email: string | null;
  /** False: stops being surveyable. */
  readonly becomes: boolean;
}

/** How a run's plan changes today's surveyable population. */
export interface SurveyImpact {
  readonly becomes: number;
  readonly stops: number;
  /** The first MAX_IMPACT_EMPLOYEES of them, in the plan's order (deletes, updates, creates). */
  readonly employees: readonly SurveyImpactEmployee[];
}

export interface PlanForImpact {
  readonly creates: readonly EmployeeRecord[];
  readonly updates: readonly { readonly before: EmployeeRecord; readonly after: EmployeeRecord }[];
  readonly deletes: readonly EmployeeRecord[];
}

/**
 * Who becomes and who stops being surveyable `today` because of the plan: someone not in the
 * directory is not surveyable, so a create can only add and a delete only remove; an update
 * counts when its start or separation date moves the person across the rule (isSurveyable, the
 * rule deriveLifecycle's `surveyable` is).
 * One pass over the plan, the rule asked only where a date changed: negligible beside planning.
 */
export function surveyImpactOf(plan: PlanForImpact, today: string): SurveyImpact {
  let becomes = 0;
  let stops = 0;
  const employees: SurveyImpactEmployee[] = [];
  const note = (record: EmployeeRecord, turnsSurveyable: boolean) => {
    if (turnsSurveyable) becomes++;
    else stops++;
    if (employees.length < MAX_IMPACT_EMPLOYEES)
      employees.push({ bobId: record.bobId, email: record.email, becomes: turnsSurveyable });
  };
  for (const gone of plan.deletes) if (surveyable(gone, today)) note(gone, false);
  for (const { before, after } of plan.updates) {
    if (before.startDate === after.startDate && before.separationDate === after.separationDate) continue;
    const was = surveyable(before, today);
    if (was !== surveyable(after, today)) note(after, !was);
  }
  for (const created of plan.creates) if (surveyable(created, today)) note(created, true);
  return { becomes, stops, employees };
}

const surveyable = isSurveyable;
