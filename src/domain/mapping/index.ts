/** The pure core of the full Bob -> Peakon sync: field mapping, record mapping, lifecycle, planning. */
export * from "./attribute-value.js";
export * from "./calendar-date.js";
export * from "./duplicate-emails.js";
export * from "./duplicate-employee-ids.js";
export * from "./employee-record.js";
export * from "./field-compatibility.js";
export * from "./field-mapping.js";
export * from "./lifecycle.js";
export * from "./list-lookup.js";
export * from "./manager-links.js";
export * from "./map-person.js";
export * from "./plan.js";
export * from "./plan-checks.js";
export * from "./planning-scope.js";
export * from "./record-changes.js";
export * from "./standard-fields.js";
export * from "./sync-issue.js";
