import type { EmployeeChange } from "../../domain/mapping/plan.js";

/**
 * How a page of a run's change list is stored (sync_change_page.changes, JSON text). Each field
 * name is written once per page and changes refer to it by position: an initial sync lists every
 * field of every employee, so the names were most of a page (256 bytes of a create's 300 before;
 * 13 MB of change pages for an initial sync of 50,000, now about a third of it).
 *
 * Pages written before this form are plain arrays of { a, b, e, f: names } and still read.
 */
interface PageV2 {
  /** The field names the page's changes use, each once. */
  n: string[];
  /** action, Bob id, email, positions in `n`. */
  c: [EmployeeChange["action"], string, string | null, number[]][];
}

interface PageV1Change {
  a: EmployeeChange["action"];
  b: string;
  e: string | null;
  f: string[];
}

export function encodeChangePage(changes: readonly EmployeeChange[]): string {
  const names: string[] = [];
  const positions = new Map<string, number>();
  const c: PageV2["c"] = changes.map((change) => {
    const fields = change.fields.map((name) => {
      let at = positions.get(name);
      if (at === undefined) {
        at = names.push(name) - 1;
        positions.set(name, at);
      }
      return at;
    });
    return [change.action, change.bobEmployeeId, change.email, fields];
  });
  return JSON.stringify({ n: names, c } satisfies PageV2);
}

export function decodeChangePage(text: string): EmployeeChange[] {
  const page = JSON.parse(text) as PageV2 | PageV1Change[];
  if (Array.isArray(page)) return page.map((c) => ({ action: c.a, bobEmployeeId: c.b, email: c.e, fields: c.f }));
  return page.c.map(([action, bobEmployeeId, email, fields]) => ({
    action,
    bobEmployeeId,
    email,
    fields: fields.map((at) => page.n[at]!),
  }));
}
