/** One person's history: what the gateway changed, when and why (employeeHistory), shown under their row. */
import { gql } from "../api.mjs";
import { badge, formatDateTime, h, humanize, notice, replace } from "../dom.mjs";
import { EmployeeHistoryDocument } from "../generated/graphql.mjs";
import { explain } from "../messages.mjs";

const CAUSE: Record<string, string> = {
  FULL_SYNC: "Full sync",
  SCHEDULED_SYNC: "Scheduled sync",
  APPROVED_SYNC: "Approved held sync",
  WEBHOOK: "Real-time update",
};
const SHOWN = 50;

export async function renderHistory(bobId: string, into: HTMLElement): Promise<void> {
  replace(into, h("p", { class: "muted" }, "Loading…"));
  try {
    const { employeeHistory } = await gql(EmployeeHistoryDocument, { b: bobId, f: SHOWN });
    if (employeeHistory.totalCount === 0)
      return replace(
        into,
        h("p", { class: "muted" }, "No changes recorded for this person (or older than the retention period)."),
      );
    const rows = employeeHistory.edges.map(({ node }) =>
      h(
        "li",
        { "data-testid": "history-entry", "data-action": node.action, "data-cause": node.cause },
        h(
          "div",
          {},
          badge(node.action),
          " ",
          h("strong", {}, CAUSE[node.cause] ?? humanize(node.cause)),
          " ",
          h("span", { class: "muted small" }, formatDateTime(node.at)),
        ),
        node.fields.length === 0
          ? null
          : h(
              "ul",
              { class: "compact" },
              ...node.fields.map((f) =>
                h(
                  "li",
                  { "data-testid": "history-field" },
                  h("span", {}, `${f.name}: `),
                  h("span", { class: "muted" }, f.before ?? "—"),
                  " → ",
                  h("span", {}, f.after ?? "—"),
                ),
              ),
            ),
      ),
    );
    const more =
      employeeHistory.totalCount > SHOWN
        ? h("p", { class: "muted small" }, `Newest ${SHOWN} of ${employeeHistory.totalCount} changes.`)
        : null;
    replace(into, h("ol", { class: "history", "data-testid": "person-history" }, ...rows), more);
  } catch (error) {
    replace(into, notice("error", explain(error)));
  }
}
