/** Overview: is Bob connected, with which credential, since when; the last sync and live progress. */
import { gql } from "../api.mjs";
import { badge, busy, formatDateTime, h, humanize, notice, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import { createProgressBar } from "../progress-bar.mjs";
import type { Panel } from "../router.mjs";
import { store } from "../state.mjs";
import { loadIntegration } from "../sync.mjs";
import { DisconnectIntegrationDocument } from "../generated/graphql.mjs";
import type { Counts, Health, Integration, RunSummary } from "../types.mjs";
import { createConnectForm } from "./connect.mjs";

const CREDENTIAL: Record<string, string> = { ACCESS_TOKEN: "Legacy API access token", SERVICE_USER: "Service user" };

export function countsList(counts: Counts, testId?: string): HTMLElement {
  const items: [string, number][] = [
    ["Fetched", counts.fetched],
    ["Created", counts.created],
    ["Updated", counts.updated],
    ["Deleted", counts.deleted],
    ["Unchanged", counts.unchanged],
    ["Skipped", counts.skipped],
  ];
  return h(
    "dl",
    { class: "counts", "data-testid": testId },
    ...items.map(([name, n]) =>
      h(
        "div",
        {
          class: n > 0 && (name === "Skipped" || name === "Deleted") ? "count warn" : "count",
          "data-count": name.toLowerCase(),
        },
        h("dt", {}, name),
        h("dd", {}, n),
      ),
    ),
  );
}

/** Whether the sync is alive: last success, what arrived in 24 h, and drift the webhooks missed. */
function healthFacts(health: Health): HTMLElement {
  return h(
    "dl",
    { class: "facts compact", "data-testid": "health" },
    row("Last successful sync", formatDateTime(health.lastSuccessfulSyncAt)),
    row(
      "Real-time deliveries (24 h)",
      `${health.deliveriesLast24h}${health.failedDeliveriesLast24h > 0 ? `, ${health.failedDeliveriesLast24h} failed` : ""}`,
      health.lastDeliveryAt ? h("span", { class: "muted" }, ` · last ${formatDateTime(health.lastDeliveryAt)}`) : "",
    ),
    row(
      "Repaired by full syncs (7 days)",
      h("span", { "data-testid": "drift" }, String(health.driftRepairedLast7Days)),
      h("span", { class: "muted" }, " employees the webhooks missed"),
    ),
  );
}

function row(term: string, ...value: (Node | string)[]): HTMLElement {
  return h("div", { class: "row" }, h("dt", {}, term), h("dd", {}, ...value));
}

export function createOverviewPanel(): Panel {
  const connection = h("section", {
    class: "card",
    "aria-labelledby": "connection-title",
    "data-testid": "connection",
  });
  const lastSync = h("section", { class: "card", "aria-labelledby": "last-sync-title", "data-testid": "last-sync" });
  const progress = createProgressBar("overview-progress");
  const element = h("section", {}, connection, lastSync);
  let replacing = false;
  // Made once and kept: the connection is drawn again whenever the integration loads (on start,
  // on this tab, after a run), and a new form would wipe a token the admin is typing.
  let connectForm: HTMLFormElement | null = null;
  let replaceForm: HTMLFormElement | null = null;

  const renderConnection = (integration: Integration): void => {
    const title = h("h2", { id: "connection-title" }, "Connection");
    if (integration.status === "NOT_ENABLED") {
      replace(
        connection,
        title,
        badge("NOT_ENABLED", "integration-status"),
        notice(
          "info",
          "The Bob integration is not enabled for your company yet. Ask your Customer Success Manager to enable it.",
        ),
      );
      return;
    }
    if (integration.status === "DISCONNECTED") {
      replace(
        connection,
        title,
        h(
          "p",
          {},
          badge("DISCONNECTED", "integration-status"),
          " Connect your company's Bob to keep the employee directory in step with it.",
        ),
        (connectForm ??= createConnectForm({ submitLabel: "Connect" })),
      );
      return;
    }
    const disconnect = h("button", { type: "button", class: "danger", "data-testid": "disconnect" }, "Disconnect");
    const replaceButton = h(
      "button",
      { type: "button", "aria-expanded": String(replacing) },
      replacing ? "Cancel" : "Replace credential",
    );
    const message = h("div", { "aria-live": "polite" });
    replaceButton.addEventListener("click", () => {
      replacing = !replacing;
      if (!replacing) replaceForm?.reset();
      renderConnection(integration);
    });
    disconnect.addEventListener("click", () => {
      if (!confirm("Disconnect Bob? The stored token and hook secret are forgotten; employees stay in Peakon.")) return;
      void busy(disconnect, async () => {
        try {
          const { disconnectIntegration } = await gql(DisconnectIntegrationDocument);
          store.setIntegration(disconnectIntegration);
        } catch (error) {
          replace(message, notice("error", explain(error)));
        }
      });
    });
    replace(
      connection,
      title,
      h(
        "dl",
        { class: "facts" },
        row("Status", badge(integration.status, "integration-status")),
        row(
          "Credential",
          h(
            "span",
            { "data-testid": "credential" },
            `${CREDENTIAL[integration.credentialKind ?? ""] ?? "—"}${integration.tokenHint ? ` ending in …${integration.tokenHint}` : ""}`,
          ),
        ),
        row("Connected", formatDateTime(integration.connectedAt)),
        row(
          "Real-time updates",
          h("span", { "data-testid": "realtime" }, integration.realTimeUpdates ? "On" : "Off"),
          integration.realTimeUpdates
            ? ""
            : h("span", { class: "muted" }, " (add the webhook and its secret in Settings)"),
        ),
      ),
      integration.health.needsReconnectReason
        ? notice(
            "error",
            `${integration.health.needsReconnectReason} Syncs and real-time updates are paused; what Bob sends meanwhile waits. Replace the credential to resume.`,
            "needs-reconnect",
          )
        : null,
      integration.warnings.length > 0
        ? h("div", { "data-testid": "warnings" }, ...integration.warnings.map((w) => notice("error", w.message)))
        : null,
      healthFacts(integration.health),
      h("div", { class: "actions" }, replaceButton, disconnect),
      replacing
        ? (replaceForm ??= createConnectForm({ submitLabel: "Replace credential", onDone: () => (replacing = false) }))
        : null,
      message,
    );
  };

  const renderLastSync = (run: RunSummary | null): void => {
    const title = h("h2", { id: "last-sync-title" }, "Last sync");
    if (!run) {
      replace(
        lastSync,
        title,
        h("p", { class: "muted" }, "No sync yet. Press “Synchronize now” in Settings."),
        progress,
      );
      return;
    }
    replace(
      lastSync,
      title,
      h(
        "dl",
        { class: "facts" },
        row("Status", badge(run.status, "last-sync-status"), run.dryRun ? h("span", { class: "tag" }, "Dry run") : ""),
        row("Started by", run.trigger === "MANUAL" ? "An admin (Synchronize now)" : "Schedule (reconciliation)"),
        row(
          "Finished",
          h(
            "span",
            { "data-testid": "last-sync-finished" },
            run.finishedAt ? formatDateTime(run.finishedAt) : humanize(run.phase),
          ),
        ),
      ),
      countsList(run.counts, "last-sync-counts"),
      run.error ? notice("error", run.error) : null,
      run.status === "HELD"
        ? notice(
            "info",
            "This run would delete more employees than the safeguard allows. Review and approve it in Settings.",
          )
        : null,
      progress,
    );
  };

  const render = (): void => {
    const integration = store.integration;
    if (!integration) return;
    renderConnection(integration);
    renderLastSync(integration.lastSyncRun);
  };
  store.on("integration", render);

  return {
    id: "overview",
    title: "Overview",
    element,
    show() {
      render();
      void loadIntegration().catch((error) => replace(connection, notice("error", explain(error))));
    },
  };
}
