/** Sync history: runs newest first ("Load more" follows the cursor); each opens to its issues and changes. */
import { gql } from "../api.mjs";
import { badge, formatDateTime, h, humanize, notice, plural, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import type { Panel } from "../router.mjs";
import { store } from "../state.mjs";
import { RunDetailsDocument, SyncRunsDocument } from "../generated/graphql.mjs";
import type { RunSummary } from "../types.mjs";
import { countsList } from "./overview.mjs";
import { surveyImpactView } from "../survey-impact.mjs";

const PAGE = 10;

function table(headers: string[], rows: HTMLTableRowElement[]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap short" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ...headers.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, ...rows),
    ),
  );
}

async function details(run: RunSummary, into: HTMLElement): Promise<void> {
  replace(into, h("p", { class: "muted" }, "Loading…"));
  try {
    const { syncRun } = await gql(RunDetailsDocument, { id: run.id });
    if (!syncRun) return replace(into, notice("error", "This run no longer exists."));
    replace(
      into,
      h(
        "dl",
        { class: "facts compact" },
        h("div", { class: "row" }, h("dt", {}, "Queued"), h("dd", {}, formatDateTime(syncRun.queuedAt))),
        h("div", { class: "row" }, h("dt", {}, "Started"), h("dd", {}, formatDateTime(syncRun.startedAt))),
        h("div", { class: "row" }, h("dt", {}, "Finished"), h("dd", {}, formatDateTime(syncRun.finishedAt))),
      ),
      syncRun.error ? notice("error", syncRun.error) : null,
      h("h4", {}, "Survey impact"),
      surveyImpactView(syncRun.surveyImpact, syncRun.dryRun || syncRun.status === "HELD"),
      h("h4", {}, `Issues (${syncRun.issues.length})`),
      syncRun.issues.length === 0
        ? h("p", { class: "muted" }, "No problems: every employee was applied.")
        : table(
            ["Problem", "Bob employee", "Email", "Details"],
            syncRun.issues.map((i) =>
              h(
                "tr",
                { "data-testid": "run-issue" },
                h("td", {}, badge(i.code)),
                h("td", { class: "mono" }, i.bobEmployeeId ?? "—"),
                h("td", {}, i.email ?? "—"),
                h("td", {}, i.message),
              ),
            ),
          ),
      h(
        "h4",
        {},
        `Changes (${syncRun.changes.length}${syncRun.changes.length === 200 ? "+, first 200 shown" : ""})${syncRun.dryRun || syncRun.status === "HELD" ? ": planned, not applied" : ""}`,
      ),
      syncRun.changes.length === 0
        ? h("p", { class: "muted" }, "Nothing changed.")
        : table(
            ["Action", "Bob employee", "Email", "Fields"],
            syncRun.changes.map((c) =>
              h(
                "tr",
                { "data-testid": "run-change" },
                h("td", {}, badge(c.action)),
                h("td", { class: "mono" }, c.bobEmployeeId),
                h("td", {}, c.email ?? "—"),
                h("td", {}, c.fields.join(", ") || "—"),
              ),
            ),
          ),
    );
  } catch (error) {
    replace(into, notice("error", explain(error)));
  }
}

function runItem(run: RunSummary): HTMLElement {
  const body = h("div", { class: "run-body" });
  const item = h(
    "details",
    { class: "run", "data-testid": "run", "data-run-id": run.id, "data-status": run.status },
    h(
      "summary",
      {},
      h("span", { class: "run-when" }, formatDateTime(run.queuedAt)),
      badge(run.status),
      h(
        "span",
        { class: "run-kind" },
        `${run.trigger === "MANUAL" ? "Manual" : "Scheduled"}${run.dryRun ? " · Dry run" : ""}`,
      ),
      h(
        "span",
        { class: "run-counts muted" },
        `${run.counts.fetched} fetched · +${run.counts.created} · ~${run.counts.updated} · −${run.counts.deleted} · ${run.counts.skipped} skipped`,
      ),
      run.finishedAt ? null : h("span", { class: "muted" }, humanize(run.phase)),
    ),
    countsList(run.counts),
    body,
  );
  item.addEventListener("toggle", () => {
    if (item.open && !body.hasChildNodes()) void details(run, body);
  });
  return item;
}

export function createHistoryPanel(): Panel {
  const list = h("div", { class: "runs", "data-testid": "runs" });
  const more = h("button", { type: "button", "data-testid": "load-more-runs", hidden: true }, "Load more");
  const total = h("p", { class: "muted" });
  const message = h("div");
  let cursor: string | null = null;

  const load = async (append: boolean): Promise<void> => {
    replace(message);
    try {
      const { syncRuns } = await gql(SyncRunsDocument, { after: append ? cursor : null, first: PAGE });
      if (!append) list.replaceChildren();
      for (const edge of syncRuns.edges) list.append(runItem(edge.node));
      cursor = syncRuns.pageInfo.endCursor;
      more.hidden = !syncRuns.pageInfo.hasNextPage;
      replace(
        total,
        syncRuns.totalCount === 0
          ? "No sync yet."
          : `${plural(syncRuns.totalCount, "run")}, newest first. Open a run for its issues and changes.`,
      );
    } catch (error) {
      replace(message, notice("error", explain(error)));
    }
  };
  more.addEventListener("click", () => void load(true));
  // A run finished or was held while the tab is open: show it.
  store.on("runs", () => {
    if (!element.hidden) void load(false);
  });

  const element = h(
    "section",
    { class: "card" },
    h("h2", {}, "Sync history"),
    total,
    message,
    list,
    h("div", { class: "actions" }, more),
  );
  return {
    id: "history",
    title: "Sync history",
    element,
    show: () => void load(false),
  };
}
