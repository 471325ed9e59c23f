/** Upcoming changes: who is surveyed on a coming day, who joins and who leaves until then, by an attribute. */
import { gql } from "../api.mjs";
import { busy, formatDate, h, notice, plural, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import type { Panel } from "../router.mjs";
import {
  AttributeNamesDocument,
  SurveyPopulationDocument,
  type UpcomingPersonFragment,
} from "../generated/graphql.mjs";

type Person = UpcomingPersonFragment;

/** A month ahead in the browser's calendar: a survey round's usual horizon (the gateway checks against the company's today). */
function inAMonth(): string {
  const d = new Date();
  d.setDate(d.getDate() + 30);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function people(list: Person[], date: "startDate" | "separationDate", testId: string, none: string): HTMLElement {
  if (list.length === 0) return h("p", { class: "muted" }, none);
  return h(
    "div",
    { class: "table-wrap short" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Employee", date === "startDate" ? "Start date" : "Last day"].map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        {},
        ...list.map((p) =>
          h(
            "tr",
            { "data-testid": testId, "data-bob-id": p.bobId },
            h(
              "td",
              {},
              h("div", {}, `${p.firstName} ${p.lastName}`),
              h("div", { class: "muted small" }, p.email ?? "no email"),
            ),
            h("td", {}, formatDate(p[date])),
          ),
        ),
      ),
    ),
  );
}

export function createUpcomingPanel(): Panel {
  const on = h("input", {
    id: "upcoming-on",
    type: "date",
    required: true,
    value: inAMonth(),
    "data-testid": "upcoming-on",
  });
  const by = h(
    "select",
    { id: "upcoming-by", "data-testid": "upcoming-by" },
    h("option", { value: "" }, "No grouping"),
  );
  const show = h("button", { type: "submit", class: "primary", "data-testid": "upcoming-show" }, "Show");
  const result = h("div", { "aria-live": "polite", "data-testid": "upcoming-result" });
  let attributesLoaded = false;

  const loadAttributes = async (): Promise<void> => {
    if (attributesLoaded) return;
    const { attributes } = await gql(AttributeNamesDocument);
    by.append(...attributes.map((a) => h("option", { value: a.name }, a.name)));
    attributesLoaded = true;
  };

  const load = async (): Promise<void> => {
    try {
      const { surveyPopulation: p } = await gql(SurveyPopulationDocument, {
        on: on.value,
        by: by.value === "" ? null : by.value,
      });
      const groups =
        by.value === ""
          ? null
          : h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { "data-testid": "upcoming-groups" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    ...[by.value, "Surveyable", "Joining", "Leaving"].map((c) => h("th", { scope: "col" }, c)),
                  ),
                ),
                h(
                  "tbody",
                  {},
                  ...p.groups.map((g) =>
                    h(
                      "tr",
                      { "data-testid": "upcoming-group", "data-value": g.value ?? "" },
                      h("td", {}, g.value ?? h("span", { class: "muted" }, "(no value)")),
                      h("td", {}, g.surveyable),
                      h("td", {}, g.joining),
                      h("td", {}, g.leaving),
                    ),
                  ),
                ),
              ),
            );
      replace(
        result,
        h(
          "dl",
          { class: "counts" },
          h(
            "div",
            { class: "count", "data-count": "surveyable" },
            h("dt", {}, `Surveyable on ${formatDate(p.on)}`),
            h("dd", { "data-testid": "upcoming-surveyable" }, p.surveyable),
          ),
          h("div", { class: "count", "data-count": "joining" }, h("dt", {}, "Joining"), h("dd", {}, p.joining.length)),
          h(
            "div",
            { class: p.leaving.length > 0 ? "count warn" : "count", "data-count": "leaving" },
            h("dt", {}, "Leaving"),
            h("dd", {}, p.leaving.length),
          ),
        ),
        groups,
        h("h3", {}, `Joining: ${plural(p.joining.length, "future hire")} starting by then`),
        people(p.joining, "startDate", "upcoming-joining", "Nobody joins before that day."),
        h("h3", {}, `Leaving: ${plural(p.leaving.length, "employee")} whose separation date will have passed`),
        people(p.leaving, "separationDate", "upcoming-leaving", "Nobody leaves before that day."),
      );
    } catch (error) {
      replace(result, notice("error", explain(error), "upcoming-error"));
    }
  };

  const form = h(
    "form",
    { class: "filters" },
    h("div", { class: "field" }, h("label", { for: "upcoming-on" }, "Survey date"), on),
    h("div", { class: "field" }, h("label", { for: "upcoming-by" }, "Group by"), by),
    h("div", { class: "actions" }, show),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(show, load);
  });

  const element = h(
    "section",
    { class: "card" },
    h("h2", {}, "Upcoming changes"),
    h(
      "p",
      { class: "muted" },
      "Who will be surveyed on a coming day, as the directory stands now: future hires join on their start date; leavers are surveyed up to and including their separation date.",
    ),
    form,
    result,
  );
  return {
    id: "upcoming",
    title: "Upcoming changes",
    element,
    show: () =>
      void loadAttributes().then(load, (error: unknown) =>
        replace(result, notice("error", explain(error), "upcoming-error")),
      ),
  };
}
