/** A run's survey impact (SyncRun.surveyImpact): who becomes and who stops being surveyable today by its plan. */
import { h, plural } from "./dom.mjs";
import type { SurveyImpactFragment } from "./generated/graphql.mjs";

/** What the SurveyImpact fragment (survey-impact.graphql) reads: whole counts, the first employees. */
export type SurveyImpact = NonNullable<SurveyImpactFragment["surveyImpact"]>;

/** The counts in one sentence, then who (the first SHOWN); null impact: planned before the gateway kept it. */
export function surveyImpactView(impact: SurveyImpact | null, planned: boolean): HTMLElement {
  if (impact === null)
    return h("p", { class: "muted", "data-testid": "survey-impact" }, "Survey impact: not recorded for this run.");
  const verb = planned ? "would" : "did";
  const none = impact.becomesSurveyable === 0 && impact.stopsBeingSurveyable === 0;
  const sentence = none
    ? `This run ${verb} not change who is surveyed today.`
    : `Today's survey population: ${plural(impact.stopsBeingSurveyable, "employee")} ${planned ? "would stop" : "stopped"} being surveyable, ${plural(impact.becomesSurveyable, "employee")} ${planned ? "would become" : "became"} surveyable.`;
  const shown = impact.employees.length;
  const total = impact.becomesSurveyable + impact.stopsBeingSurveyable;
  return h(
    "div",
    {
      "data-testid": "survey-impact",
      "data-stops": impact.stopsBeingSurveyable,
      "data-becomes": impact.becomesSurveyable,
    },
    h("p", {}, sentence),
    shown === 0
      ? null
      : h(
          "div",
          { class: "table-wrap short" },
          h(
            "table",
            {},
            h(
              "thead",
              {},
              h("tr", {}, ...["Bob employee ID", "Email", "Surveyable"].map((c) => h("th", { scope: "col" }, c))),
            ),
            h(
              "tbody",
              {},
              ...impact.employees.map((e) =>
                h(
                  "tr",
                  { "data-testid": "survey-impact-employee" },
                  h("td", { class: "mono" }, e.bobEmployeeId),
                  h("td", {}, e.email ?? "—"),
                  h("td", {}, e.becomesSurveyable ? "Becomes surveyable" : "Stops being surveyable"),
                ),
              ),
            ),
          ),
        ),
    shown < total ? h("p", { class: "muted small" }, `First ${shown} of ${total} shown.`) : null,
  );
}
