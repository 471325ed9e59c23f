/** Webhook deliveries: what arrived on the webhook URL, newest first, and what became of it. */
import { gql } from "../api.mjs";
import { badge, formatDateTime, h, notice, plural, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import type { Panel } from "../router.mjs";
import { WebhookDeliveriesDocument } from "../generated/graphql.mjs";

const PAGE = 50;

export function createDeliveriesPanel(): Panel {
  const tbody = h("tbody");
  const more = h("button", { type: "button", hidden: true }, "Load more");
  const refresh = h("button", { type: "button" }, "Refresh");
  const total = h("p", { class: "muted", "aria-live": "polite" });
  const message = h("div");
  let cursor: string | null = null;

  const load = async (append: boolean): Promise<void> => {
    replace(message);
    try {
      const { webhookDeliveries } = await gql(WebhookDeliveriesDocument, {
        after: append ? cursor : null,
        first: PAGE,
      });
      if (!append) tbody.replaceChildren();
      for (const { node: d } of webhookDeliveries.edges) {
        tbody.append(
          h(
            "tr",
            { "data-testid": "delivery", "data-status": d.status },
            h("td", {}, formatDateTime(d.receivedAt)),
            h("td", { class: "mono" }, d.eventType),
            h("td", { class: "mono" }, d.bobEmployeeId ?? "—"),
            h("td", {}, badge(d.status)),
            h("td", { class: "reason" }, d.error ?? ""),
          ),
        );
      }
      if (webhookDeliveries.totalCount === 0)
        tbody.append(
          h(
            "tr",
            {},
            h(
              "td",
              { colspan: 5, class: "muted" },
              "No deliveries yet. Add the webhook in Bob (see Settings) and they appear here.",
            ),
          ),
        );
      cursor = webhookDeliveries.pageInfo.endCursor;
      more.hidden = !webhookDeliveries.pageInfo.hasNextPage;
      replace(total, `${plural(webhookDeliveries.totalCount, "delivery", "deliveries")}, newest first.`);
    } catch (error) {
      replace(message, notice("error", explain(error)));
    }
  };
  more.addEventListener("click", () => void load(true));
  refresh.addEventListener("click", () => void load(false));

  const element = h(
    "section",
    { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Webhook deliveries"), refresh),
    total,
    message,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "data-testid": "deliveries-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Received", "Event", "Bob employee", "Status", "Error"].map((c) => h("th", { scope: "col" }, c)),
          ),
        ),
        tbody,
      ),
    ),
    h("div", { class: "actions" }, more),
  );
  return { id: "deliveries", title: "Webhook deliveries", element, show: () => void load(false) };
}
