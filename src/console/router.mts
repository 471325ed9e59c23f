/** Tabs addressed by the URL fragment (#overview, #settings, ...): back/forward and reload keep the tab. */
import { h } from "./dom.mjs";

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** Called each time the tab is opened: load or refresh what it shows. */
  show(): void;
}

export function createTabs(panels: readonly Panel[]): { nav: HTMLElement; body: HTMLElement; start(): void } {
  const tabs = new Map<string, HTMLAnchorElement>();
  const nav = h("nav", { class: "tabs", role: "tablist", "aria-label": "Bob integration" });
  const body = h("div", { class: "panels" });
  for (const panel of panels) {
    const tab = h(
      "a",
      {
        href: `#${panel.id}`,
        role: "tab",
        id: `tab-${panel.id}`,
        "aria-controls": `panel-${panel.id}`,
        "data-testid": `tab-${panel.id}`,
      },
      panel.title,
    );
    tabs.set(panel.id, tab);
    nav.append(tab);
    panel.element.id = `panel-${panel.id}`;
    panel.element.setAttribute("role", "tabpanel");
    panel.element.setAttribute("aria-labelledby", `tab-${panel.id}`);
    panel.element.classList.add("panel");
    body.append(panel.element);
  }
  const select = (): void => {
    const wanted = location.hash.replace(/^#/, "");
    const current = panels.find((p) => p.id === wanted) ?? panels[0];
    if (!current) return;
    for (const panel of panels) {
      const active = panel === current;
      panel.element.hidden = !active;
      tabs.get(panel.id)?.setAttribute("aria-selected", String(active));
    }
    document.title = `${current.title} · Bob integration`;
    current.show();
  };
  return {
    nav,
    body,
    start() {
      window.addEventListener("hashchange", select);
      select();
    },
  };
}
