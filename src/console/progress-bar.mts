/** The live progress bar of the run being watched (fed by the syncProgress subscription). */
import { h, replace } from "./dom.mjs";
import { percentOf, phaseLabel } from "./sync.mjs";
import { store } from "./state.mjs";

export function createProgressBar(testId: string): HTMLElement {
  const label = h("span", { class: "progress-label", "data-testid": `${testId}-label` });
  const value = h("span", { class: "progress-value" });
  const fill = h("div", { class: "progress-fill" });
  const bar = h(
    "div",
    {
      class: "progress-track",
      role: "progressbar",
      "aria-valuemin": 0,
      "aria-valuemax": 100,
      "aria-valuenow": 0,
      "aria-label": "Sync progress",
      "data-testid": testId,
    },
    fill,
  );
  const counts = h("p", { class: "progress-counts muted" });
  const root = h(
    "div",
    { class: "progress", hidden: true },
    h("div", { class: "progress-head" }, label, value),
    bar,
    counts,
  );

  const render = (): void => {
    const progress = store.progress;
    root.hidden = !progress;
    if (!progress) return;
    const percent = percentOf(progress);
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-valuetext", `${percent}%: ${phaseLabel(progress)}`);
    bar.dataset["runId"] = progress.runId;
    bar.dataset["phase"] = progress.phase;
    bar.dataset["status"] = progress.status;
    root.dataset["status"] = progress.status.toLowerCase();
    fill.style.width = `${percent}%`;
    replace(label, phaseLabel(progress));
    replace(value, `${percent}%`);
    const c = progress.counts;
    replace(
      counts,
      progress.phase === "QUEUED" || progress.phase === "FETCHING"
        ? ""
        : `${c.fetched} fetched · ${c.created} created · ${c.updated} updated · ${c.deleted} deleted · ${c.skipped} skipped`,
    );
  };
  store.on("progress", render);
  render();
  return root;
}
