import type { Attribute } from "../attributes/attribute.js";
import { findDuplicateIdentities } from "./duplicate-employee-ids.js";
import { sameRecord, type EmployeeRecord } from "./employee-record.js";
import { fixManagerLinks } from "./manager-links.js";
import { attributeNamesById, compareText, compileChangedFieldNames } from "./record-changes.js";
import { fingerprintOf } from "./source-fingerprint.js";
import { RECORD_SKIPPING_CODES, type SyncIssue } from "./sync-issue.js";
import { keepUnseenValues } from "./unseen-fields.js";

export type ChangeAction = "CREATE" | "UPDATE" | "DELETE";

/** One line of a run's change list (the contract's EmployeeChange). */
export interface EmployeeChange {
  readonly action: ChangeAction;
  readonly bobEmployeeId: string;
  readonly email: string | null;
  /** Peakon attribute names that change; empty for DELETE. */
  readonly fields: string[];
}

export interface PlannedUpdate {
  readonly before: EmployeeRecord;
  readonly after: EmployeeRecord;
  /** Names of what changes, as in EmployeeChange.fields. */
  readonly fields: string[];
}

export interface SyncPlan {
  /** Managers before the people who report to them (the applier may also insert all, then link). */
  readonly creates: EmployeeRecord[];
  readonly updates: PlannedUpdate[];
  /** Directory employees absent from a complete fetch; never any when the fetch was incomplete. */
  readonly deletes: EmployeeRecord[];
  readonly unchanged: number;
  /** Records left out (missing name, duplicate email, unreadable): existing ones are left as they are. */
  readonly skipped: number;
  /** The mapping issues given, then the planner's own. */
  readonly issues: SyncIssue[];
  readonly changes: EmployeeChange[];
  /**
   * True when absent employees were kept because the fetch was incomplete or a record could not
   * be told apart (a problem without a Bob id might be anyone).
   */
  readonly deletesWithheld: boolean;
  /**
   * Unchanged employees whose fetched record has a source fingerprint the stored one lacks: storing
   * it lets the next resync recognise them without mapping them (see source-fingerprint.ts).
   */
  readonly fingerprintRefreshes: { readonly bobId: string; readonly fingerprint: string }[];
}

export interface SyncPlanInput {
  /** The records mapPerson produced (people it skipped are known from `issues`). */
  readonly fetched: readonly EmployeeRecord[];
  /** The company's current directory by Bob id. */
  readonly directory: ReadonlyMap<string, EmployeeRecord>;
  /** Every employee Bob has was fetched; only then may absent employees be deleted. */
  readonly fetchComplete: boolean;
  /** Issues from fetching and mapping; those that skipped a record keep that employee as it is. */
  readonly issues: readonly SyncIssue[];
  /** The company's attributes: names changes, and finds the Manager attribute to clear with a dropped link. */
  readonly attributes: readonly Attribute[];
}

/**
 * Decides what a full sync does to the directory: employees are matched by Bob id (an email
 * change is an update), updates name only what changed, and records Peakon cannot take as they
 * are lose a link or are skipped without stopping the others. Pure: applying it is someone else's job.
 *
 * The applier should delete, then update, then create, then link managers: an email may move
 * from a deleted or updated employee to another one in the same plan.
 */
export function planSync(input: SyncPlanInput): SyncPlan {
  const issues: SyncIssue[] = [...input.issues];
  const fetched = new Map<string, EmployeeRecord>();
  for (const record of input.fetched) {
    if (fetched.has(record.bobId)) {
      issues.push({
        bobEmployeeId: record.bobId,
        email: record.email,
        code: "INVALID_RECORD",
        message: `Bob returned employee ${record.bobId} twice; the first copy was used.`,
      });
    } else {
      // Absent is not empty: what Bob did not send keeps the stored value.
      const stored = input.directory.get(record.bobId);
      fetched.set(record.bobId, stored === undefined ? record : keepUnseenValues(record, stored));
    }
  }

  const skippedByMapping = new Set<string>();
  let anonymousSkips = 0;
  for (const issue of input.issues) {
    if (!RECORD_SKIPPING_CODES.has(issue.code)) continue;
    if (issue.bobEmployeeId === null) anonymousSkips++;
    else if (!fetched.has(issue.bobEmployeeId)) skippedByMapping.add(issue.bobEmployeeId);
  }
  const deletesWithheld = !input.fetchComplete || anonymousSkips > 0;

  // Asked for every directory employee, twice: the lookups that usually settle it come first.
  const staysAsIs = (bobId: string, skippedForEmail: ReadonlySet<string>) =>
    ((skippedByMapping.size > 0 && skippedByMapping.has(bobId)) ||
      (skippedForEmail.size > 0 && skippedForEmail.has(bobId)) ||
      (deletesWithheld && !fetched.has(bobId))) &&
    input.directory.has(bobId);

  // Skipped for a duplicate email or Employee ID (`skippedForEmail` below means either).
  const duplicates = findDuplicateIdentities({ fetched, directory: input.directory, staysAsIs });
  issues.push(
    ...[...duplicates.values()].sort((a, b) => compareText(a.bobEmployeeId as string, b.bobEmployeeId as string)),
  );
  const skippedForEmail = new Set(duplicates.keys());

  const untouched = new Map<string, EmployeeRecord>();
  const deletes: EmployeeRecord[] = [];
  for (const record of input.directory.values()) {
    if (staysAsIs(record.bobId, skippedForEmail)) untouched.set(record.bobId, record);
    else if (!fetched.has(record.bobId)) deletes.push(record);
  }
  // What the plan writes: the fetched records, less those skipped for their email (`fetched` is
  // not asked again, and copying 50,000 entries to leave out two costs more than deleting them).
  const written = fetched;
  for (const bobId of skippedForEmail) written.delete(bobId);

  const links = fixManagerLinks({
    written,
    untouched,
    managerAttributeIds: input.attributes.filter((a) => a.standardKey === "manager").map((a) => a.id),
  });
  issues.push(...links.issues);

  const namesOf = compileChangedFieldNames(attributeNamesById(input.attributes));
  const creates: EmployeeRecord[] = [];
  const updates: PlannedUpdate[] = [];
  const fingerprintRefreshes: { bobId: string; fingerprint: string }[] = [];
  let unchanged = 0;
  // In the maps' order, not the Bob ids': the few changes are put in order below, the many
  // unchanged employees of a resync are only counted.
  for (const [bobId, record] of written) {
    const after = (links.dropped.size > 0 ? links.dropped.get(bobId) : undefined) ?? record;
    const before = input.directory.get(bobId);
    if (before === undefined) creates.push(after);
    else if (before === after)
      unchanged++; // recognised by its source: the stored record itself
    else if (sameRecord(before, after)) {
      unchanged++;
      const fingerprint = fingerprintOf(after);
      if (fingerprint !== null && fingerprint !== fingerprintOf(before))
        fingerprintRefreshes.push({ bobId, fingerprint });
    } else updates.push({ before, after, fields: namesOf(before, after) });
  }
  updates.sort((a, b) => compareText(a.after.bobId, b.after.bobId));
  fingerprintRefreshes.sort((a, b) => compareText(a.bobId, b.bobId));
  const orderedCreates = managersFirst(creates);
  deletes.sort((a, b) => compareText(a.bobId, b.bobId));

  const changes: EmployeeChange[] = [
    ...orderedCreates.map((r) => change("CREATE", r, namesOf(null, r))),
    ...updates.map((u) => change("UPDATE", u.after, u.fields)),
    ...deletes.map((r) => change("DELETE", r, [])),
  ];
  return {
    creates: orderedCreates,
    updates,
    deletes,
    unchanged,
    skipped: skippedByMapping.size + skippedForEmail.size + anonymousSkips,
    issues,
    changes,
    deletesWithheld,
    fingerprintRefreshes,
  };
}

function change(action: ChangeAction, record: EmployeeRecord, fields: string[]): EmployeeChange {
  return { action, bobEmployeeId: record.bobId, email: record.email, fields };
}

/** Orders new employees so each one's manager, when also new, comes first (links are acyclic by now). */
function managersFirst(creates: readonly EmployeeRecord[]): EmployeeRecord[] {
  const byId = new Map(creates.map((r) => [r.bobId, r]));
  const depth = new Map<string, number>();
  const chain: EmployeeRecord[] = [];
  const onChain = new Set<string>();
  for (const start of creates) {
    // Walk up to the first manager whose depth is known (or who is not new), then number the way back.
    let record: EmployeeRecord | undefined = start;
    let base = -1;
    while (record !== undefined && !depth.has(record.bobId)) {
      // A cycle slipping through (fixManagerLinks should have broken them all) ends the walk.
      if (onChain.has(record.bobId)) break;
      chain.push(record);
      onChain.add(record.bobId);
      record = record.managerBobId === null ? undefined : byId.get(record.managerBobId);
    }
    if (record !== undefined) base = depth.get(record.bobId) ?? -1;
    for (let i = chain.length - 1; i >= 0; i--) depth.set((chain[i] as EmployeeRecord).bobId, ++base);
    chain.length = 0;
    onChain.clear();
  }
  return [...creates].sort(
    (a, b) => (depth.get(a.bobId) as number) - (depth.get(b.bobId) as number) || compareText(a.bobId, b.bobId),
  );
}
