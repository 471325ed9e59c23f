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
    const holders = emailHolders(input, new Set(skipped.keys()));
    let grew = false;
    for (const [key, list] of holders) {
      if (list.length < 2) continue;
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

/** Who holds each email after the plan, given the records skipped so far. */
function emailHolders(input: DuplicateEmailInput, skippedForEmail: ReadonlySet<string>): Map<string, Holder[]> {
  const holders = new Map<string, Holder[]>();
  const add = (email: string | null, holder: Holder) => {
    const key = emailKey(email);
    if (key === null) return;
    const list = holders.get(key);
    if (list) list.push(holder);
    else holders.set(key, [holder]);
  };
  for (const record of input.fetched.values()) {
    if (!skippedForEmail.has(record.bobId)) add(record.email, { bobId: record.bobId, frozen: false });
  }
  for (const record of input.directory.values()) {
    if (input.staysAsIs(record.bobId, skippedForEmail)) add(record.email, { bobId: record.bobId, frozen: true });
  }
  return holders;
}
