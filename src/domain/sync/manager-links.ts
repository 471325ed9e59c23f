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
  /** `written`, with the links that cannot be kept removed. */
  readonly records: Map<string, EmployeeRecord>;
  readonly issues: SyncIssue[];
}

/**
 * Keeps every employee but drops manager links Peakon cannot hold: to someone who will not
 * exist after the plan (MANAGER_NOT_FOUND), to oneself, or closing a reporting cycle
 * (REPORTING_CYCLE). In a cycle the link of the member with the smallest Bob id is dropped,
 * so planning the same data twice drops the same link.
 */
export function fixManagerLinks(input: ManagerLinkInput): ManagerLinkResult {
  const records = new Map(input.written);
  const issues: SyncIssue[] = [];
  const exists = (bobId: string) => records.has(bobId) || input.untouched.has(bobId);
  const drop = (record: EmployeeRecord, code: SyncIssue["code"], message: string) => {
    const attributes = { ...record.attributes };
    for (const id of input.managerAttributeIds) delete attributes[id];
    records.set(record.bobId, { ...record, managerBobId: null, attributes });
    issues.push({ bobEmployeeId: record.bobId, email: record.email, code, message });
  };

  for (const bobId of [...records.keys()].sort(compareText)) {
    const record = records.get(bobId);
    const manager = record?.managerBobId ?? null;
    if (record === undefined || manager === null) continue;
    if (manager === bobId) {
      drop(record, "REPORTING_CYCLE", `Bob employee ${bobId} reports to themselves; the employee was synced without a manager.`);
    } else if (!exists(manager)) {
      drop(record, "MANAGER_NOT_FOUND", `Manager (Bob employee ${manager}) is not among the synced employees; the employee was synced without a manager.`);
    }
  }

  const managerOf = (bobId: string): string | null => {
    const manager = (records.get(bobId) ?? input.untouched.get(bobId))?.managerBobId ?? null;
    return manager !== null && exists(manager) ? manager : null;
  };
  for (const cycle of findCycles([...records.keys(), ...input.untouched.keys()], managerOf)) {
    const breaker = cycle.filter((id) => records.has(id)).sort(compareText)[0];
    const record = breaker === undefined ? undefined : records.get(breaker);
    if (record === undefined) continue; // only untouched employees: the plan cannot change their links
    const path = [...rotateToStart(cycle, record.bobId), record.bobId].join(" -> ");
    drop(record, "REPORTING_CYCLE", `Reporting cycle ${path}; the link from ${record.bobId} to its manager ${record.managerBobId} was dropped.`);
  }
  return { records, issues };
}

/** Cycles of a graph where each node has at most one outgoing edge, each as its members in edge order. */
function findCycles(nodes: readonly string[], next: (node: string) => string | null): string[][] {
  // The walk that first reached each node: meeting a node of the current walk closes a cycle,
  // meeting one of an earlier walk does not.
  const walkOf = new Map<string, number>();
  const cycles: string[][] = [];
  const path: string[] = [];
  let walk = 0;
  for (const start of [...new Set(nodes)].sort(compareText)) {
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
