import { emailKey, type EmployeeRecord } from "./employee-record.js";
import { compareText } from "./record-changes.js";
import type { SyncIssue } from "./sync-issue.js";

export interface DuplicateEmailInput {
  /** Fetched records by Bob id (already without those mapping skipped). */
  readonly fetched: ReadonlyMap<string, EmployeeRecord>;
  readonly directory: ReadonlyMap<string, EmployeeRecord>;
  /** Is this directory employee left exactly as it is, given the records skipped so far? */
  readonly staysAsIs: (bobId: string, skippedForEmail: ReadonlySet<string>) => boolean;
}

/**
 * Which fetched records must be skipped so that no two employees share an email
 * (case-insensitive) once the plan is applied. Per email: an employee the sync leaves alone
 * keeps it; otherwise the fetched record already linked to it in the directory; otherwise the
 * smallest Bob id. Skipping a directory employee freezes its old email, which can clash anew,
 * so this repeats until nothing changes (the skipped set only grows, so it ends).
 */
export function findDuplicateEmails(input: DuplicateEmailInput): Map<string, SyncIssue> {
  const skipped = new Map<string, SyncIssue>();
  for (;;) {
    let grew = false;
    for (const [key, list] of clashes(input, skipped)) {
      const frozen = list.filter((h) => h.frozen).map((h) => h.bobId).sort(compareText);
      const writable = list.filter((h) => !h.frozen).map((h) => h.bobId).sort(compareText);
      const keeper = frozen.length > 0 ? null : (writable.find((id) => emailKey(input.directory.get(id)?.email ?? null) === key) ?? writable[0] ?? null);
      const owner = keeper ?? frozen[0];
      for (const bobId of writable) {
        if (bobId === keeper || skipped.has(bobId)) continue;
        const record = input.fetched.get(bobId);
        const by = keeper !== null ? `Bob employee ${owner}, who keeps it` : `Bob employee ${owner} in Peakon, who is left unchanged`;
        skipped.set(bobId, {
          bobEmployeeId: bobId,
          email: record?.email ?? null,
          code: "DUPLICATE_EMAIL",
          message: `Email "${record?.email ?? key}" is also used by ${by}; this employee was skipped.`,
        });
        grew = true;
      }
    }
    if (!grew) return skipped;
  }
}

interface Holder {
  readonly bobId: string;
  /** Left as it is by the plan: its email cannot be given away. */
  readonly frozen: boolean;
}

/**
 * The emails more than one employee holds after the plan, given the records skipped so far, with
 * their holders. An email held once (nearly all of them) costs one map entry and no list.
 */
function clashes(input: DuplicateEmailInput, skippedForEmail: ReadonlyMap<string, unknown>): Map<string, Holder[]> {
  // A lone writable holder is kept as its Bob id, a lone frozen one as a Holder, a clash as the list.
  const holders = new Map<string, string | Holder | Holder[]>();
  const add = (key: string, holder: Holder) => {
    const held = holders.get(key);
    if (held === undefined) holders.set(key, holder.frozen ? holder : holder.bobId);
    else if (Array.isArray(held)) held.push(holder);
    else {
      holders.set(key, [typeof held === "string" ? { bobId: held, frozen: false } : held, holder]);
    }
  };
  for (const record of input.fetched.values()) {
    const key = emailKey(record.email);
    if (key === null || (skippedForEmail.size > 0 && skippedForEmail.has(record.bobId))) continue;
    const held = holders.get(key);
    if (held === undefined) holders.set(key, record.bobId);
    else add(key, { bobId: record.bobId, frozen: false });
  }
  const skipped = new Set(skippedForEmail.keys());
  for (const record of input.directory.values()) {
    if (!input.staysAsIs(record.bobId, skipped)) continue;
    const key = emailKey(record.email);
    if (key !== null) add(key, { bobId: record.bobId, frozen: true });
  }
  // In the order the emails first appear, as the issues are listed.
  const clashing = new Map<string, Holder[]>();
  for (const [key, held] of holders) if (Array.isArray(held)) clashing.set(key, held);
  return clashing;
}
