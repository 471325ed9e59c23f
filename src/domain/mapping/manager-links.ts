import type { EmployeeRecord } from "./employee-record.js";
import { compareText } from "./record-changes.js";
import type { SyncIssue } from "./sync-issue.js";

export interface ManagerLinkInput {
  /** The records the plan writes, by Bob id. */
  readonly written: ReadonlyMap<string, EmployeeRecord>;
  /** Directory employees the plan leaves exactly as they are (their links cannot change). */
  readonly untouched: ReadonlyMap<string, EmployeeRecord>;
  /** Attributes that mirror the manager link (the standard Manager): cleared with it. */
  readonly managerAttributeIds: readonly string[];
}

export interface ManagerLinkResult {
  /** The records of `written` whose link was dropped, as they are written instead. */
  readonly dropped: Map<string, EmployeeRecord>;
  /** Missing managers and self links in Bob id order, then reporting cycles in the order of their dropped link's Bob id. */
  readonly issues: SyncIssue[];
}

/**
 * Keeps every employee but drops manager links Peakon cannot hold: to someone who will not
 * exist after the plan (MANAGER_NOT_FOUND), to oneself, or closing a reporting cycle
 * (REPORTING_CYCLE). In a cycle the link of the member with the smallest Bob id is dropped,
 * so planning the same data twice drops the same link.
 *
 * Nothing here sorts the company: a resync of 50,000 unchanged employees asks it every time,
 * and the few issues are put in order instead (the result does not depend on the maps' order).
 */
export function fixManagerLinks(input: ManagerLinkInput): ManagerLinkResult {
  const dropped = new Map<string, EmployeeRecord>();
  const current = (bobId: string) =>
    (dropped.size > 0 ? dropped.get(bobId) : undefined) ?? input.written.get(bobId) ?? input.untouched.get(bobId);
  const exists = (bobId: string) => input.written.has(bobId) || input.untouched.has(bobId);
  const drop = (record: EmployeeRecord, code: SyncIssue["code"], message: string): SyncIssue => {
    const attributes = { ...record.attributes };
    for (const id of input.managerAttributeIds) delete attributes[id];
    dropped.set(record.bobId, { ...record, managerBobId: null, attributes });
    return { bobEmployeeId: record.bobId, email: record.email, code, message };
  };

  // Everyone a kept link points to: a reporting cycle runs through managers only, so only they
  // need walking (an eighth of a company, not all of it).
  const managers = new Set<string>();
  const unlinked: SyncIssue[] = [];
  for (const record of input.written.values()) {
    const manager = record.managerBobId;
    if (manager === null) continue;
    if (manager === record.bobId) {
      unlinked.push(
        drop(
          record,
          "REPORTING_CYCLE",
          `Bob employee ${record.bobId} reports to themselves; the employee was synced without a manager.`,
        ),
      );
    } else if (!exists(manager)) {
      unlinked.push(
        drop(
          record,
          "MANAGER_NOT_FOUND",
          `Manager (Bob employee ${manager}) is not among the synced employees; the employee was synced without a manager.`,
        ),
      );
    } else managers.add(manager);
  }
  unlinked.sort((a, b) => compareText(a.bobEmployeeId as string, b.bobEmployeeId as string));
  for (const record of input.untouched.values())
    if (record.managerBobId !== null && exists(record.managerBobId)) managers.add(record.managerBobId);

  const managerOf = (bobId: string): string | null => {
    const manager = current(bobId)?.managerBobId ?? null;
    return manager !== null && exists(manager) ? manager : null;
  };
  const breaks: { readonly breaker: EmployeeRecord; readonly cycle: string[] }[] = [];
  for (const cycle of findCycles(managers, managerOf)) {
    let breaker: string | undefined;
    for (const id of cycle)
      if (input.written.has(id) && (breaker === undefined || compareText(id, breaker) < 0)) breaker = id;
    const record = breaker === undefined ? undefined : current(breaker);
    if (record !== undefined) breaks.push({ breaker: record, cycle }); // else only untouched employees: the plan cannot change their links
  }
  breaks.sort((a, b) => compareText(a.breaker.bobId, b.breaker.bobId));
  const cycles = breaks.map(({ breaker, cycle }) => {
    const path = [...rotateToStart(cycle, breaker.bobId), breaker.bobId].join(" -> ");
    return drop(
      breaker,
      "REPORTING_CYCLE",
      `Reporting cycle ${path}; the link from ${breaker.bobId} to its manager ${breaker.managerBobId} was dropped.`,
    );
  });
  return { dropped, issues: [...unlinked, ...cycles] };
}

/**
 * Cycles through `nodes` of a graph where each node has at most one outgoing edge, each as its
 * members in edge order. Such cycles never share a node, so the same cycles are found whatever
 * the order of the nodes; only where each one's list starts depends on it.
 */
function findCycles(nodes: Iterable<string>, next: (node: string) => string | null): string[][] {
  // The walk that first reached each node: meeting a node of the current walk closes a cycle,
  // meeting one of an earlier walk does not.
  const walkOf = new Map<string, number>();
  const cycles: string[][] = [];
  const path: string[] = [];
  let walk = 0;
  for (const start of nodes) {
    if (walkOf.has(start)) continue;
    walk++;
    path.length = 0;
    let node: string | null = start;
    while (node !== null && !walkOf.has(node)) {
      walkOf.set(node, walk);
      path.push(node);
      node = next(node);
    }
    if (node !== null && walkOf.get(node) === walk) cycles.push(path.slice(path.indexOf(node)));
  }
  return cycles;
}

function rotateToStart(cycle: readonly string[], first: string): string[] {
  const i = cycle.indexOf(first);
  return [...cycle.slice(i), ...cycle.slice(0, i)];
}
