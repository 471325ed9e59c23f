/** Field mapping: every Bob field (live from Bob's metadata), how it maps to Peakon or why not. */
import { gql } from "../api.mjs";
import { badge, h, humanize, notice, plural, replace } from "../dom.mjs";
import { explain } from "../messages.mjs";
import type { Panel } from "../router.mjs";

interface FieldMapping {
  bobFieldId: string;
  bobFieldName: string;
  bobFieldType: string;
  status: string;
  reason: string | null;
  attribute: { name: string; type: string; standard: boolean } | null;
}

const STATUSES = ["STANDARD", "COMPATIBLE", "TYPE_MISMATCH", "NO_MATCHING_ATTRIBUTE", "AMBIGUOUS"];

export function createMappingsPanel(): Panel {
  const text = h("input", { id: "mapping-filter", type: "search", placeholder: "Field name, ID or attribute", "data-testid": "mapping-filter" });
  const status = h("select", { id: "mapping-status", "data-testid": "mapping-status" }, h("option", { value: "" }, "All statuses"), ...STATUSES.map((s) => h("option", { value: s }, humanize(s))));
  const summary = h("p", { class: "muted", "aria-live": "polite", "data-testid": "mapping-summary" });
  const tbody = h("tbody");
  const message = h("div");
  let mappings: FieldMapping[] = [];

  const render = (): void => {
    const needle = text.value.trim().toLowerCase();
    const shown = mappings.filter(
      (m) =>
        (!status.value || m.status === status.value) &&
        (!needle || [m.bobFieldName, m.bobFieldId, m.attribute?.name ?? "", m.reason ?? ""].some((v) => v.toLowerCase().includes(needle))),
    );
    const byStatus = STATUSES.map((s) => [s, mappings.filter((m) => m.status === s).length] as const).filter(([, n]) => n > 0);
    replace(summary, `${shown.length} of ${plural(mappings.length, "Bob field")} shown. ${byStatus.map(([s, n]) => `${humanize(s)}: ${n}`).join(" · ")}`);
    replace(
      tbody,
      ...shown.map((m) =>
        h("tr", { "data-testid": "mapping-row", "data-field-id": m.bobFieldId, "data-status": m.status },
          h("td", {}, h("div", {}, m.bobFieldName), h("div", { class: "muted mono small" }, m.bobFieldId)),
          h("td", {}, m.bobFieldType),
          h("td", {}, badge(m.status)),
          h("td", {}, m.attribute ? `${m.attribute.name} (${humanize(m.attribute.type)})` : "—"),
          h("td", { class: "reason" }, m.reason ?? ""),
        ),
      ),
    );
    if (mappings.length > 0 && shown.length === 0) tbody.append(h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No field matches this filter.")));
  };
  text.addEventListener("input", render);
  status.addEventListener("change", render);

  const load = async (): Promise<void> => {
    replace(message);
    try {
      ({ fieldMappings: mappings } = await gql<{ fieldMappings: FieldMapping[] }>("{ fieldMappings { bobFieldId bobFieldName bobFieldType status reason attribute { name type standard } } }"));
      render();
    } catch (error) {
      mappings = [];
      render();
      replace(message, notice("error", explain(error), "mapping-error"));
    }
  };

  const element = h(
    "section",
    { class: "card" },
    h("h2", {}, "Field mapping"),
    h("p", { class: "muted" }, "Every field of your Bob, read live from Bob: standard fields map to Peakon's standard attributes; a custom field maps to a Peakon attribute of the same name and a compatible type."),
    h("div", { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "mapping-filter" }, "Filter"), text),
      h("div", { class: "field" }, h("label", { for: "mapping-status" }, "Status"), status),
    ),
    summary,
    message,
    h("div", { class: "table-wrap" },
      h("table", { "data-testid": "mapping-table" },
        h("thead", {}, h("tr", {}, ...["Bob field", "Type", "Status", "Peakon attribute", "Reason"].map((c) => h("th", { scope: "col" }, c)))),
        tbody,
      ),
    ),
  );
  return { id: "mapping", title: "Field mapping", element, show: () => void load() };
}
