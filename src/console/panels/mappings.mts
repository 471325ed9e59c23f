/**
 * Field mapping: every Bob field (live from Bob's metadata), how it maps to Peakon or why not, and
 * for each non-standard field an admin's override: into another attribute, excluded, or by name.
 */
import { gql } from "../api.mjs";
import { badge, h, humanize, notice, plural, replace } from "../dom.mjs";
import { FIXED_FIELD_IDS, canFeed } from "../field-compatibility.mjs";
import { explain } from "../messages.mjs";
import type { Panel } from "../router.mjs";
import {
  ClearFieldMappingDocument,
  FieldMappingsDocument,
  SetFieldMappingDocument,
  type FieldMappingFragment,
  type FieldMappingsQuery,
} from "../generated/graphql.mjs";

type FieldMapping = FieldMappingFragment;
type Attribute = FieldMappingsQuery["attributes"][number];

const STATUSES = ["STANDARD", "COMPATIBLE", "OVERRIDDEN", "TYPE_MISMATCH", "NO_MATCHING_ATTRIBUTE", "AMBIGUOUS"];
/** The edit control's two choices that are not an attribute. */
const AUTOMATIC = "";
const EXCLUDE = "exclude";
const nameId = (m: FieldMapping): string => `mapping-name-${m.bobFieldId.replace(/[^A-Za-z0-9_-]/g, "-")}`;

export function createMappingsPanel(): Panel {
  const text = h("input", {
    id: "mapping-filter",
    type: "search",
    placeholder: "Field name, ID or attribute",
    "data-testid": "mapping-filter",
  });
  const status = h(
    "select",
    { id: "mapping-status", "data-testid": "mapping-status" },
    h("option", { value: "" }, "All statuses"),
    ...STATUSES.map((s) => h("option", { value: s }, humanize(s))),
  );
  const summary = h("p", { class: "muted", "aria-live": "polite", "data-testid": "mapping-summary" });
  const tbody = h("tbody");
  const message = h("div");
  let mappings: FieldMapping[] = [];
  let attributes: Attribute[] = [];

  /**
   * The override control: standard and reserved fields have none (the gateway refuses to override
   * them); the others offer the custom attributes Bob's type can feed. The gateway refuses the rest in words.
   */
  const editControl = (m: FieldMapping): HTMLSelectElement | string => {
    if (m.status === "STANDARD" || FIXED_FIELD_IDS.has(m.bobFieldId)) return "—";
    const current = m.status === "OVERRIDDEN" ? (m.attribute?.id ?? EXCLUDE) : AUTOMATIC;
    const choices = attributes.filter((a) => !a.standard && canFeed(m.bobFieldType, a.type));
    const select = h(
      "select",
      // Named "Mapping" and described by the field's name: a name made of field names would clash with the filters' labels.
      { class: "mapping-edit", "data-testid": "mapping-edit", "aria-label": "Mapping", "aria-describedby": nameId(m) },
      h("option", { value: AUTOMATIC }, "Automatic (by name)"),
      h("option", { value: EXCLUDE }, "Exclude (never sync)"),
      ...choices.map((a) => h("option", { value: a.id }, `${a.name} (${humanize(a.type)})`)),
    );
    select.value = current;
    select.addEventListener("change", () => void change(m, select));
    return select;
  };

  const change = async (m: FieldMapping, select: HTMLSelectElement): Promise<void> => {
    replace(message);
    select.disabled = true;
    try {
      if (select.value === AUTOMATIC) await gql(ClearFieldMappingDocument, { f: m.bobFieldId });
      else
        await gql(SetFieldMappingDocument, {
          i: { bobFieldId: m.bobFieldId, attributeId: select.value === EXCLUDE ? null : select.value },
        });
      // Other rows may change too (a namesake losing its attribute): show the whole mapping again.
      if (await load())
        replace(
          message,
          notice("ok", `Saved. The next sync maps every employee's "${m.bobFieldName}" this way.`, "mapping-saved"),
        );
    } catch (error) {
      render();
      replace(message, notice("error", `"${m.bobFieldName}" was not changed: ${explain(error)}`, "mapping-edit-error"));
    }
  };

  const render = (): void => {
    const needle = text.value.trim().toLowerCase();
    const shown = mappings.filter(
      (m) =>
        (!status.value || m.status === status.value) &&
        (!needle ||
          [m.bobFieldName, m.bobFieldId, m.attribute?.name ?? "", m.reason ?? ""].some((v) =>
            v.toLowerCase().includes(needle),
          )),
    );
    const byStatus = STATUSES.map((s) => [s, mappings.filter((m) => m.status === s).length] as const).filter(
      ([, n]) => n > 0,
    );
    replace(
      summary,
      `${shown.length} of ${plural(mappings.length, "Bob field")} shown. ${byStatus.map(([s, n]) => `${humanize(s)}: ${n}`).join(" · ")}`,
    );
    replace(
      tbody,
      ...shown.map((m) =>
        h(
          "tr",
          { "data-testid": "mapping-row", "data-field-id": m.bobFieldId, "data-status": m.status },
          h(
            "td",
            {},
            h("div", { id: nameId(m) }, m.bobFieldName),
            h("div", { class: "muted mono small" }, m.bobFieldId),
          ),
          h("td", {}, m.bobFieldType),
          h("td", {}, badge(m.status)),
          h("td", {}, m.attribute ? `${m.attribute.name} (${humanize(m.attribute.type)})` : "—"),
          h("td", { class: "reason" }, m.reason ?? ""),
          h("td", { class: "mapping-cell" }, editControl(m)),
        ),
      ),
    );
    if (mappings.length > 0 && shown.length === 0)
      tbody.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No field matches this filter.")));
  };
  text.addEventListener("input", render);
  status.addEventListener("change", render);

  /** False when the mapping could not be read (the error is shown). */
  const load = async (): Promise<boolean> => {
    try {
      ({ fieldMappings: mappings, attributes } = await gql(FieldMappingsDocument));
      render();
      return true;
    } catch (error) {
      mappings = [];
      render();
      replace(message, notice("error", explain(error), "mapping-error"));
      return false;
    }
  };

  const element = h(
    "section",
    { class: "card" },
    h("h2", {}, "Field mapping"),
    h(
      "p",
      { class: "muted" },
      "Every field of your Bob, read live from Bob: standard fields map to Peakon's standard attributes; a custom field maps to a Peakon attribute of the same name and a compatible type, unless you choose another attribute or exclude it under Mapping.",
    ),
    h(
      "div",
      { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "mapping-filter" }, "Filter"), text),
      h("div", { class: "field" }, h("label", { for: "mapping-status" }, "Status"), status),
    ),
    summary,
    message,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "data-testid": "mapping-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Bob field", "Type", "Status", "Peakon attribute", "Reason", "Mapping"].map((c) =>
              h("th", { scope: "col" }, c),
            ),
          ),
        ),
        tbody,
      ),
    ),
  );
  return {
    id: "mapping",
    title: "Field mapping",
    element,
    show: () => {
      replace(message);
      void load();
    },
  };
}
