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
 * so that email is looked at again, until nothing changes (the skipped set only grows, so it ends).
 */
export function findDuplicateEmails(input: DuplicateEmailInput): Map<string, SyncIssue> {
  const skipped = new Map<string, SyncIssue>();
  const holders = emailHolders(input);
  let due = [...holders].flatMap(([key, held]) => (Array.isArray(held) ? [key] : []));
  while (due.length > 0) {
    // Every email of a round is judged on the holders as the round began, so the order the emails
    // come in changes nothing; an email a skip freezes anew is judged in the next round.
    const frozenNow: [string, Holder][] = [];
    for (const key of due) {
      const list = holders.get(key);
      if (!Array.isArray(list)) continue;
      const frozen = list.filter((h) => h.frozen).map((h) => h.bobId).sort(compareText);
      const writable = list.filter((h) => !h.frozen && !skipped.has(h.bobId)).map((h) => h.bobId).sort(compareText);
      const keeper = frozen.length > 0 ? null : (writable.find((id) => emailKey(input.directory.get(id)?.email ?? null) === key) ?? writable[0] ?? null);
      const owner = keeper ?? frozen[0];
      for (const bobId of writable) {
        if (bobId === keeper) continue;
        const record = input.fetched.get(bobId);
        const by = keeper !== null ? `Bob employee ${owner}, who keeps it` : `Bob employee ${owner} in Peakon, who is left unchanged`;
        skipped.set(bobId, {
          bobEmployeeId: bobId,
          email: record?.email ?? null,
          code: "DUPLICATE_EMAIL",
          message: `Email "${record?.email ?? key}" is also used by ${by}; this employee was skipped.`,
        });
        // A skipped employee already in Peakon keeps the email it has there.
        const stored = input.directory.get(bobId);
        const storedKey = stored === undefined ? null : emailKey(stored.email);
        if (storedKey !== null) frozenNow.push([storedKey, { bobId, frozen: true }]);
      }
    }
    const again = new Set<string>();
    for (const [key, holder] of frozenNow) if (add(holders, key, holder)) again.add(key);
    due = [...again];
  }
  return skipped;
}

interface Holder {
  readonly bobId: string;
  /** Left as it is by the plan: its email cannot be given away. */
  readonly frozen: boolean;
}

/** By email key: a lone writable holder as its Bob id, a lone frozen one as a Holder, several as a list. */
type Holders = Map<string, string | Holder | Holder[]>;

/** Adds a holder; true when the email now has several. */
function add(holders: Holders, key: string, holder: Holder): boolean {
  const held = holders.get(key);
  if (held === undefined) holders.set(key, holder.frozen ? holder : holder.bobId);
  else if (Array.isArray(held)) held.push(holder);
  else holders.set(key, [typeof held === "string" ? { bobId: held, frozen: false } : held, holder]);
  return held !== undefined;
}

/**
 * Who holds each email after the plan if nothing is skipped for an email. An email held once
 * (nearly all of them) costs one map entry and no list.
 */
function emailHolders(input: DuplicateEmailInput): Holders {
  const holders: Holders = new Map();
  for (const record of input.fetched.values()) {
    const key = emailKey(record.email);
    if (key === null) continue;
    if (holders.has(key)) add(holders, key, { bobId: record.bobId, frozen: false });
    else holders.set(key, record.bobId);
  }
  const none = new Set<string>();
  for (const record of input.directory.values()) {
    if (!input.staysAsIs(record.bobId, none)) continue;
    const key = emailKey(record.email);
    if (key !== null) add(holders, key, { bobId: record.bobId, frozen: true });
  }
  return holders;
}
