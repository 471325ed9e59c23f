/** Entry point: sign in (form or #token=...), then the Integrations > Bob page with its tabs. */
import { closeLive, whenUnauthenticated } from "./api.mjs";
import { h, notice, replace } from "./dom.mjs";
import { createConnectionStatus } from "./status-line.mjs";
import { createTabs } from "./router.mjs";
import { session, store } from "./state.mjs";
import { loadIntegration, startLiveUpdates, stopLiveUpdates, watchRun } from "./sync.mjs";
import { createDeliveriesPanel } from "./panels/deliveries.mjs";
import { createHistoryPanel } from "./panels/history.mjs";
import { createMappingsPanel } from "./panels/mappings.mjs";
import { createOverviewPanel } from "./panels/overview.mjs";
import { createPeoplePanel } from "./panels/people.mjs";
import { createSettingsPanel } from "./panels/settings.mjs";
import { createUpcomingPanel } from "./panels/upcoming.mjs";

const root = document.getElementById("app") as HTMLElement;

function signInView(reason?: string): void {
  const token = h("textarea", {
    id: "signin-token",
    rows: 4,
    required: true,
    spellcheck: "false",
    autocomplete: "off",
    "data-testid": "signin-token",
  });
  const form = h(
    "form",
    { class: "card signin stack", "data-testid": "signin" },
    h("h1", {}, "Bob integration"),
    h(
      "p",
      { class: "muted" },
      "Sign in with your Peakon caller token. It is kept in this browser tab only and forgotten when you sign out or close the tab.",
    ),
    reason ? notice("error", reason, "signin-error") : null,
    h("div", { class: "field" }, h("label", { for: "signin-token" }, "Caller token"), token),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Sign in")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    session.signIn(token.value);
    start();
  });
  replace(root, h("main", { class: "narrow" }, form));
  token.focus();
}

function signOut(reason?: string): void {
  session.signOut();
  stopLiveUpdates();
  void closeLive();
  store.reset();
  signInView(reason);
}

function appView(): void {
  const claims = session.claims();
  const signOutButton = h("button", { type: "button", class: "link", "data-testid": "sign-out" }, "Sign out");
  signOutButton.addEventListener("click", () => signOut());
  const tabs = createTabs([
    createOverviewPanel(),
    createSettingsPanel(),
    createMappingsPanel(),
    createHistoryPanel(),
    createPeoplePanel(),
    createUpcomingPanel(),
    createDeliveriesPanel(),
  ]);
  replace(
    root,
    h(
      "header",
      { class: "topbar" },
      h(
        "div",
        { class: "brand" },
        h("span", { class: "crumb" }, "Integrations"),
        h("span", { class: "sep", "aria-hidden": "true" }, "›"),
        h("span", {}, "Bob"),
      ),
      h(
        "div",
        { class: "who" },
        h("span", {}, "Company ", h("strong", { "data-testid": "company-id" }, claims?.companyId ?? "unknown")),
        claims?.role ? h("span", { class: "tag" }, claims.role) : null,
        signOutButton,
      ),
    ),
    h("main", {}, h("div", { class: "page-head" }, h("h1", {}, "Bob"), createConnectionStatus()), tabs.nav, tabs.body),
  );
  tabs.start();
}

function start(): void {
  if (!session.token()) return signInView();
  const claims = session.claims();
  if (!claims?.companyId) return signOut("This is not a Peakon caller token: it names no company.");
  if (claims.exp !== undefined && claims.exp * 1000 < Date.now())
    return signOut("Your token has expired. Sign in with a new one.");
  appView();
  startLiveUpdates();
  void loadIntegration()
    .then((integration) => {
      const run = integration.lastSyncRun;
      if (run && (run.status === "QUEUED" || run.status === "RUNNING")) watchRun(run.id);
    })
    .catch(() => undefined);
}

whenUnauthenticated(() => signOut("Your session has expired or the token is not valid. Sign in again."));
session.takeTokenFromFragment();
start();
