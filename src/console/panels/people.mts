/** Leavers and future hires: who is leaving, who has left, who starts later, and who is surveyable. */
import { gql } from "../api.mjs";
import { badge, formatDate, h, notice, plural, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import type { Panel } from "../router.mjs";
import { PeopleDocument, type Lifecycle, type PersonFragment } from "../generated/graphql.mjs";
import { renderHistory } from "./person-history.mjs";

type Person = PersonFragment;

const GROUPS: Record<string, { label: string; lifecycles: Lifecycle[] }> = {
  all: { label: "Leaving, left and future hires", lifecycles: ["LEAVING", "LEFT", "PRE_HIRE"] },
  leaving: { label: "Leaving", lifecycles: ["LEAVING"] },
  left: { label: "Left", lifecycles: ["LEFT"] },
  future: { label: "Future hires", lifecycles: ["PRE_HIRE"] },
};
const LIFECYCLE_LABEL: Record<string, string> = {
  PRE_HIRE: "Future hire",
  LEAVING: "Leaving",
  LEFT: "Left",
  ACTIVE: "Active",
};
const PAGE = 50;

export function createPeoplePanel(): Panel {
  const group = h(
    "select",
    { id: "people-group", "data-testid": "people-group" },
    ...Object.entries(GROUPS).map(([value, g]) => h("option", { value }, g.label)),
  );
  const tbody = h("tbody");
  const more = h("button", { type: "button", hidden: true }, "Load more");
  const total = h("p", { class: "muted", "aria-live": "polite" });
  const message = h("div");
  let cursor: string | null = null;

  /** The person's row, and a row under it that opens to their history. */
  const rows = (p: Person): HTMLTableRowElement[] => {
    const history = h("td", { colspan: 6 });
    const historyRow = h("tr", { hidden: true, class: "detail" }, history);
    const toggle = h(
      "button",
      { type: "button", class: "link small", "data-testid": "person-history-toggle", "aria-expanded": "false" },
      "History",
    );
    toggle.addEventListener("click", () => {
      const open = historyRow.hidden;
      historyRow.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) void renderHistory(p.bobId, history);
    });
    return [row(p, toggle), historyRow];
  };
  const row = (p: Person, toggle: HTMLButtonElement): HTMLTableRowElement =>
    h(
      "tr",
      { "data-testid": "person", "data-lifecycle": p.lifecycle },
      h(
        "td",
        {},
        h("div", {}, `${p.firstName} ${p.lastName}`),
        h("div", { class: "muted small" }, p.email ?? "no email", " · ", toggle),
      ),
      h(
        "td",
        {},
        h(
          "span",
          { class: `badge badge-${p.lifecycle.toLowerCase().replace("_", "-")}` },
          LIFECYCLE_LABEL[p.lifecycle] ?? p.lifecycle,
        ),
      ),
      h("td", {}, formatDate(p.startDate)),
      h("td", {}, formatDate(p.separationDate)),
      h("td", {}, p.separationReason ?? "—"),
      h("td", {}, p.surveyable ? badge("YES") : badge("NO")),
    );

  const load = async (append: boolean): Promise<void> => {
    replace(message);
    try {
      const { employees } = await gql(PeopleDocument, {
        after: append ? cursor : null,
        first: PAGE,
        lifecycle: GROUPS[group.value]?.lifecycles,
      });
      if (!append) tbody.replaceChildren();
      for (const edge of employees.edges) tbody.append(...rows(edge.node));
      if (employees.totalCount === 0)
        tbody.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "Nobody in this group.")));
      cursor = employees.pageInfo.endCursor;
      more.hidden = !employees.pageInfo.hasNextPage;
      replace(
        total,
        `${plural(employees.totalCount, "employee")}. Surveyable: started and not yet separated, as of today.`,
      );
    } catch (error) {
      replace(message, notice("error", explain(error)));
    }
  };
  group.addEventListener("change", () => void load(false));
  more.addEventListener("click", () => void load(true));

  const element = h(
    "section",
    { class: "card" },
    h("h2", {}, "Leavers and future hires"),
    h("div", { class: "filters" }, h("div", { class: "field" }, h("label", { for: "people-group" }, "Show"), group)),
    total,
    message,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "data-testid": "people-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Employee", "Status", "Start date", "Separation date", "Reason", "Surveyable"].map((c) =>
              h("th", { scope: "col" }, c),
            ),
          ),
        ),
        tbody,
      ),
    ),
    h("div", { class: "actions" }, more),
  );
  return { id: "people", title: "Leavers and future hires", element, show: () => void load(false) };
}
