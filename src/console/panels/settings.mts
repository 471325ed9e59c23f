/** Settings: sync now / dry run with live progress, a held run to approve, webhooks, sync settings. */
import { gql } from "../api.mjs";
import { busy, formatDateTime, h, notice, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import { createProgressBar } from "../progress-bar.mjs";
import type { Panel } from "../router.mjs";
import { store } from "../state.mjs";
import { approveHeldSync, loadIntegration, synchronizeNow } from "../sync.mjs";
import {
  HeldRunDocument,
  SetHookSecretDocument,
  UpdateSyncSettingsDocument,
  type UpdateSyncSettingsInput,
} from "../generated/graphql.mjs";
import { countsList } from "./overview.mjs";
import { surveyImpactView } from "../survey-impact.mjs";

function syncCard(): HTMLElement {
  const now = h("button", { type: "button", class: "primary", "data-testid": "sync-now" }, "Synchronize now");
  const dry = h("button", { type: "button", "data-testid": "dry-run" }, "Dry run");
  const message = h("div", { "aria-live": "polite" });
  const start = (button: HTMLButtonElement, dryRun: boolean): void => {
    replace(message);
    void busy(button, async () => {
      try {
        await synchronizeNow(dryRun);
      } catch (error) {
        replace(message, notice("error", explain(error), "sync-error"));
      }
    });
  };
  now.addEventListener("click", () => start(now, false));
  dry.addEventListener("click", () => start(dry, true));
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "sync-title" },
    h("h2", { id: "sync-title" }, "Synchronization"),
    h(
      "p",
      { class: "muted" },
      "A full sync reads every employee from Bob and brings the Peakon directory in step. A dry run only plans: it shows what would change and writes nothing.",
    ),
    h("div", { class: "actions" }, now, dry),
    createProgressBar("sync-progress"),
    message,
  );
  const render = (): void => {
    const connected = store.integration?.status === "CONNECTED";
    now.disabled = !connected;
    dry.disabled = !connected;
  };
  store.on("integration", render);
  render();
  return card;
}

function heldCard(): HTMLElement {
  const card = h("section", {
    class: "card held",
    "aria-labelledby": "held-title",
    "data-testid": "held-run",
    hidden: true,
  });
  let shownRunId: string | null = null;

  const load = async (runId: string): Promise<void> => {
    const { syncRun } = await gql(HeldRunDocument, { id: runId });
    if (!syncRun || syncRun.status !== "HELD") return;
    const deletions = syncRun.changes.filter((c) => c.action === "DELETE");
    const percent = store.integration?.settings.deletionSafeguardPercent ?? 20;
    const approve = h("button", { type: "button", class: "danger", "data-testid": "approve-held" }, "Approve");
    const message = h("div", { "aria-live": "polite" });
    approve.addEventListener("click", () => {
      void busy(approve, async () => {
        try {
          await approveHeldSync(syncRun.id);
          card.hidden = true;
          shownRunId = null;
        } catch (error) {
          replace(message, notice("error", explain(error), "approve-error"));
        }
      });
    });
    replace(
      card,
      h("h2", { id: "held-title" }, "A sync is waiting for your approval"),
      h(
        "p",
        {},
        `Planned ${formatDateTime(syncRun.queuedAt)}: this sync would delete `,
        h("strong", { "data-testid": "held-deletions" }, String(syncRun.counts.deleted)),
        ` employees, more than the deletion safeguard allows (${percent}% of the directory). Nothing has been changed yet. Approve to apply exactly this plan.`,
      ),
      countsList(syncRun.counts),
      h("h3", {}, "Planned deletions"),
      h(
        "div",
        { class: "table-wrap short" },
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Bob employee ID"), h("th", { scope: "col" }, "Email"))),
          h(
            "tbody",
            {},
            ...deletions.map((c) =>
              h(
                "tr",
                { "data-testid": "held-deletion" },
                h("td", { class: "mono" }, c.bobEmployeeId),
                h("td", {}, c.email ?? "—"),
              ),
            ),
          ),
        ),
      ),
      // Beside the deletions: who would drop out of (or join) today's survey population.
      h("h3", {}, "Survey impact"),
      surveyImpactView(syncRun.surveyImpact, true),
      h("div", { class: "actions" }, approve),
      message,
    );
    card.hidden = false;
    shownRunId = runId;
  };

  const render = (): void => {
    const run = store.integration?.lastSyncRun;
    if (run?.status === "HELD") {
      if (shownRunId !== run.id) void load(run.id).catch((error) => replace(card, notice("error", explain(error))));
    } else {
      card.hidden = true;
      shownRunId = null;
    }
  };
  store.on("integration", render);
  return card;
}

function webhookCard(): HTMLElement {
  const card = h("section", { class: "card", "aria-labelledby": "webhook-title" });
  const url = h("input", {
    id: "webhook-url",
    type: "text",
    readonly: true,
    class: "mono",
    "data-testid": "webhook-url",
  });
  const copy = h("button", { type: "button", "data-testid": "copy-webhook-url" }, "Copy");
  const copied = h("span", { class: "muted", "aria-live": "polite" });
  copy.addEventListener("click", () => {
    url.select();
    navigator.clipboard.writeText(url.value).then(
      () => replace(copied, "Copied."),
      () => replace(copied, document.execCommand("copy") ? "Copied." : "Select the URL and copy it."),
    );
  });
  const secret = h("input", {
    id: "hook-secret",
    type: "password",
    autocomplete: "off",
    required: true,
    "data-testid": "hook-secret",
  });
  const save = h("button", { type: "submit", class: "primary" }, "Save secret");
  const message = h("div", { "aria-live": "polite" });
  const status = h("span", { "data-testid": "realtime-status" });
  const form = h(
    "form",
    { class: "stack" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "hook-secret" }, "Hook secret"),
      secret,
      h("small", { class: "muted" }, "The secret Bob shows for this webhook. Saving it turns real-time updates on."),
    ),
    h("div", { class: "actions" }, save),
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(message);
    void busy(save, async () => {
      try {
        const { setHookSecret } = await gql(SetHookSecretDocument, { i: { secret: secret.value } });
        form.reset();
        store.setIntegration(setHookSecret);
        replace(message, notice("ok", "Secret saved: real-time updates are on."));
      } catch (error) {
        replace(message, notice("error", explain(error), "hook-secret-error"));
      }
    });
  });
  const body = h(
    "div",
    { class: "stack" },
    h(
      "p",
      { class: "muted" },
      "In Bob: System Settings > Integrations > Webhooks > Add webhook. Paste this URL and select all employee events.",
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "webhook-url" }, "Webhook URL"),
      h("div", { class: "inline" }, url, copy),
      copied,
    ),
    h("p", {}, "Real-time updates: ", status),
    form,
  );
  const off = h("p", { class: "muted" }, "Connect Bob first: the webhook URL appears here once connected.");
  replace(card, h("h2", { id: "webhook-title" }, "Real-time updates"), body, off);
  const render = (): void => {
    const integration = store.integration;
    const connected = integration?.status === "CONNECTED";
    body.hidden = !connected;
    off.hidden = connected;
    url.value = integration?.webhookUrl ?? "";
    replace(status, h("strong", {}, integration?.realTimeUpdates ? "On" : "Off"));
  };
  store.on("integration", render);
  render();
  return card;
}

function settingsCard(): HTMLElement {
  const percent = h("input", {
    id: "safeguard-percent",
    type: "number",
    min: 1,
    max: 100,
    step: 1,
    required: true,
    "data-testid": "safeguard-percent",
  });
  const hours = h("input", {
    id: "reconcile-hours",
    type: "number",
    min: 1,
    max: 168,
    step: 1,
    placeholder: "Off",
    "data-testid": "reconcile-hours",
  });
  const notifyUrl = h("input", {
    id: "notification-url",
    type: "url",
    maxlength: 2000,
    placeholder: "Off",
    "data-testid": "notification-url",
  });
  const save = h("button", { type: "submit", class: "primary", "data-testid": "save-settings" }, "Save settings");
  const message = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "stack", novalidate: true },
    h(
      "div",
      { class: "field" },
      h("label", { for: "safeguard-percent" }, "Deletion safeguard (%)"),
      percent,
      h(
        "small",
        { class: "muted" },
        "A full sync that would delete more than this share of the directory waits for approval. 1 to 100.",
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "reconcile-hours" }, "Reconcile every (hours)"),
      hours,
      h(
        "small",
        { class: "muted" },
        "A scheduled full sync that repairs whatever webhooks missed. 1 to 168; empty turns it off.",
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "notification-url" }, "Notification URL"),
      notifyUrl,
      h(
        "small",
        { class: "muted" },
        "Signed JSON POSTs when Bob refuses the credential, a sync is held or fails, or nothing succeeded for 24 hours. https only; empty turns it off.",
      ),
    ),
    h("div", { class: "actions" }, save),
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(message);
    const input: UpdateSyncSettingsInput = {
      deletionSafeguardPercent: Number(percent.value),
      reconcileEveryHours: hours.value.trim() === "" ? null : Number(hours.value),
    };
    // Sent only when changed: a new URL gets a new signing secret.
    if (notifyUrl.value.trim() !== (store.integration?.settings.notificationUrl ?? ""))
      input.notificationUrl = notifyUrl.value.trim();
    void busy(save, async () => {
      try {
        const { updateSyncSettings } = await gql(UpdateSyncSettingsDocument, { i: input });
        edited = false;
        store.setIntegration(updateSyncSettings);
        const secret = updateSyncSettings.notificationSecret;
        // Shown once, here only: the gateway never answers it again.
        if (secret)
          replace(
            message,
            notice("ok", `Settings saved. Notification signing secret (copy it now, it is not shown again): ${secret}`),
          );
        else replace(message, notice("ok", "Settings saved."));
      } catch (error) {
        replace(message, notice("error", explain(error), "settings-error"));
      }
    });
  });
  // The integration loads again on this tab, after every run and after other changes: what the admin
  // typed and has not saved (or saw refused) stays until a save succeeds.
  let edited = false;
  form.addEventListener("input", () => (edited = true));
  const render = (): void => {
    const settings = store.integration?.settings;
    if (!settings || edited) return;
    percent.value = String(settings.deletionSafeguardPercent);
    hours.value = settings.reconcileEveryHours === null ? "" : String(settings.reconcileEveryHours);
    notifyUrl.value = settings.notificationUrl ?? "";
  };
  store.on("integration", render);
  return h(
    "section",
    { class: "card", "aria-labelledby": "settings-title" },
    h("h2", { id: "settings-title" }, "Sync settings"),
    form,
  );
}

export function createSettingsPanel(): Panel {
  const element = h(
    "section",
    {},
    syncCard(),
    heldCard(),
    h("div", { class: "grid-2" }, webhookCard(), settingsCard()),
  );
  return {
    id: "settings",
    title: "Settings",
    element,
    show() {
      void loadIntegration().catch(() => undefined);
    },
  };
}
