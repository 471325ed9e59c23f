/** Tiny DOM helpers: build elements without a framework, format dates the same way everywhere. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** h("button", { class: "primary", onclick: fn, "data-testid": "x" }, "Text") */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child,
    );
  }
}

/** Replaces every child of el. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

/** A calendar date (YYYY-MM-DD), shown as that same day everywhere. */
export function formatDate(day: string | null | undefined): string {
  return day ? dateOnly.format(new Date(`${day}T00:00:00Z`)) : "—";
}

/** A coloured label for an enum value (RUNNING, FAILED, STANDARD, ...). */
export function badge(value: string, testId?: string): HTMLSpanElement {
  return h(
    "span",
    { class: `badge badge-${value.toLowerCase().replace(/_/g, "-")}`, "data-testid": testId },
    humanize(value),
  );
}

/** plural(1, "run") -> "1 run"; plural(3, "delivery", "deliveries") -> "3 deliveries" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** NO_MATCHING_ATTRIBUTE -> "No matching attribute" */
export function humanize(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A message line under a form: role=alert for errors, role=status for confirmations. */
export function notice(kind: "error" | "ok" | "info", text: string, testId?: string): HTMLParagraphElement {
  return h(
    "p",
    { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": testId },
    text,
  );
}

/** Disables a button while work runs, whatever the outcome. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
