/** The line under the page title: connected or not, and the last sync at a glance. */
import { badge, formatDateTime, h, replace } from "./dom.mjs";
import { store } from "./state.mjs";

export function createConnectionStatus(): HTMLElement {
  const line = h("p", { class: "status-line", "data-testid": "status-line" });
  store.on("integration", () => {
    const i = store.integration;
    if (!i) return;
    const run = i.lastSyncRun;
    replace(
      line,
      badge(i.status),
      i.status === "CONNECTED" ? ` Real-time updates ${i.realTimeUpdates ? "on" : "off"}.` : "",
      run
        ? ` Last sync: ${run.status.toLowerCase()}${run.finishedAt ? `, ${formatDateTime(run.finishedAt)}` : ""}.`
        : "",
    );
  });
  return line;
}
