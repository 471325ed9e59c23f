import { emailKey, type EmployeeRecord } from "./employee-record.js";
import { compareText } from "./record-changes.js";
import type { SyncIssue, SyncIssueCode } from "./sync-issue.js";

export interface DuplicateEmailInput {
  /** Fetched records by Bob id (already without those mapping skipped). */
  readonly fetched: ReadonlyMap<string, EmployeeRecord>;
  readonly directory: ReadonlyMap<string, EmployeeRecord>;
  /** Is this directory employee left exactly as it is, given the records skipped so far? */
  readonly staysAsIs: (bobId: string, skippedForEmail: ReadonlySet<string>) => boolean;
}

/**
 * Something two employees may not share once the plan is applied (an email, an Employee ID):
 * how to read it off a record, and how the issue of the employee skipped for it names it.
 */
export interface UniqueKey {
  readonly code: SyncIssueCode;
  /** The folded key under which two values are the same; null for a value that never clashes. */
  readonly keyOf: (record: EmployeeRecord) => string | null;
  /** `Email "a@x.test"`: the start of the issue's message. */
  readonly describe: (record: EmployeeRecord | undefined, key: string) => string;
}

export const EMAIL_KEY: UniqueKey = {
  code: "DUPLICATE_EMAIL",
  keyOf: (record) => emailKey(record.email),
  describe: (record, key) => `Email "${record?.email ?? key}"`,
};

/**
 * Which fetched records must be skipped so that no two employees share an email
 * (case-insensitive) once the plan is applied. Per email: an employee the sync leaves alone
 * keeps it; otherwise the fetched record already linked to it in the directory; otherwise the
 * smallest Bob id. Skipping a directory employee freezes its old email, which can clash anew,
 * so that email is looked at again, until nothing changes (the skipped set only grows, so it ends).
 */
export function findDuplicateEmails(input: DuplicateEmailInput): Map<string, SyncIssue> {
  return findDuplicateKeys(input, [EMAIL_KEY]);
}

/**
 * findDuplicateEmails for several unique keys at once (`keys` in order of precedence): which
 * fetched records must be skipped so that no two employees share any of them. Per value of each
 * key the same rule picks who keeps it, in the same rounds; a skipped directory employee freezes
 * the values it has in Peakon for every key. An employee skipped for one key holds none of its
 * new values, so it blocks nobody:
 *
 * - A keeper can lose another key, or later a value a skip freezes. Whoever it beat and now has
 *   all its values free is given them back (settled among themselves by the same rules), until
 *   nobody is.
 * - The next sync, with the written employees in Peakon, must find the same (its keepers are then
 *   in Peakon with their values, which can untie a knot of skips freezing each other's values).
 *   So the outcome is planned again as that sync would see it, while that skips fewer.
 * - An issue names the first key the employee lost, and who holds it once all is settled.
 *
 * Everything is judged on the state as each round began, so the order the records come in changes
 * nothing. With one key nothing is given back or planned again (a keeper's loss freezes the value,
 * so whoever it beat stays blocked): the plain rounds findDuplicateEmails describes.
 */
export function findDuplicateKeys(input: DuplicateEmailInput, keys: readonly UniqueKey[]): Map<string, SyncIssue> {
  const { holders: base, shared: firstDue } = keyHolders(input, keys);
  const settle = (stored: (bobId: string) => EmployeeRecord | undefined) => {
    const settling = new Settling(input, keys, base, stored);
    settling.settle(firstDue);
    if (keys.length > 1) settling.giveBack();
    return settling;
  };
  let outcome = settle((bobId) => input.directory.get(bobId));
  while (keys.length > 1 && outcome.skipped.size > 0) {
    const skipped = outcome.skipped;
    // The directory as the next sync reads it: the fetched record of everyone written.
    const next = settle((bobId) =>
      skipped.has(bobId) || !input.fetched.has(bobId) ? input.directory.get(bobId) : input.fetched.get(bobId),
    );
    // Only fewer skips of the same employees keep the directory's frozen values as they are here.
    if (next.skipped.size >= skipped.size || ![...next.skipped.keys()].every((bobId) => skipped.has(bobId))) break;
    outcome = next;
  }
  return outcome.issues();
}

/** Why an employee was skipped: a value of key `k` that `owner` holds, as its writer or frozen. */
interface Loss {
  readonly k: number;
  readonly value: string;
  readonly owner: Holder;
}

interface Judgement {
  /** Index of the key in precedence order, and its value. */
  readonly k: number;
  readonly value: string;
  /** The writable holder who keeps it; null when a frozen holder does. */
  readonly keeper: string | null;
  /** Who the issue names as holding it: the keeper, or the smallest frozen Bob id. */
  readonly owner: Holder;
  /** Writable holders who may not have it; never empty. */
  readonly losers: readonly string[];
}

/** One settling of the duplicates, over the holders as the plan would leave them (`base`, never changed). */
class Settling {
  readonly skipped = new Map<string, Loss>();
  /** What skips changed in `base`, by key: values that gained a frozen holder. */
  private readonly changed: Holders[];
  /** Skipped employees whose stored values are among the holders already. */
  private readonly frozenOnce = new Set<string>();

  constructor(
    private readonly input: DuplicateEmailInput,
    private readonly keys: readonly UniqueKey[],
    private readonly base: readonly Holders[],
    /** The record each employee has in Peakon, if any. */
    private readonly stored: (bobId: string) => EmployeeRecord | undefined,
  ) {
    this.changed = keys.map(() => new Map());
  }

  /** Rounds of judging the due values of each key (by key index) until no value is due. */
  settle(firstDue: readonly Iterable<string>[]): void {
    let due = firstDue.map((values) => new Set(values));
    while (due.some((values) => values.size > 0)) {
      // Every value of a round is judged on the holders as the round began, so the order the values
      // come in changes nothing; a value a skip freezes anew is judged in the next round. The first
      // key's judgements come first: an employee losing two keys in a round is skipped for the first.
      const judged: Judgement[] = [];
      due.forEach((values, k) => {
        for (const value of values) {
          const judgement = this.judge(k, value);
          if (judgement !== null) judged.push(judgement);
        }
      });
      const next = this.keys.map(() => new Set<string>());
      const frozenNow: [number, string, Holder][] = [];
      for (const j of judged) {
        for (const bobId of j.losers) {
          if (this.skipped.has(bobId)) continue;
          this.skipped.set(bobId, { k: j.k, value: j.value, owner: j.owner });
          // A skipped employee already in Peakon keeps what it has there.
          const stored = this.stored(bobId);
          if (stored === undefined) continue;
          const again = this.frozenOnce.has(bobId);
          this.frozenOnce.add(bobId);
          this.keys.forEach((key, k) => {
            const value = key.keyOf(stored);
            if (value === null) return;
            if (!again) frozenNow.push([k, value, { bobId, frozen: "skipped" }]);
            else if (Array.isArray(this.held(k, value))) (next[k] as Set<string>).add(value);
          });
        }
      }
      for (const [k, value, holder] of frozenNow) if (this.add(k, value, holder)) (next[k] as Set<string>).add(value);
      due = next;
    }
  }

  /**
   * Gives skipped employees whose every value is free (their keeper lost it since) their values
   * back, and settles them among themselves; until that gives nobody anything. Nobody written is
   * touched: they hold none of the values given back, and a skipped employee freezes only what it
   * froze before.
   */
  giveBack(): void {
    for (;;) {
      const free = [...this.skipped.keys()].filter((bobId) =>
        this.keys.every((_, k) => this.holderOf(k, bobId) === null),
      );
      if (free.length === 0) return;
      for (const bobId of free) this.skipped.delete(bobId);
      this.settle(
        this.keys.map((key, k) =>
          free.flatMap((bobId) => {
            const value = key.keyOf(this.input.fetched.get(bobId) as EmployeeRecord);
            return value !== null && Array.isArray(this.held(k, value)) ? [value] : [];
          }),
        ),
      );
      if (free.every((bobId) => this.skipped.has(bobId))) return;
    }
  }

  /** The issues, each naming who holds the value now (a keeper may have lost it since it was judged). */
  issues(): Map<string, SyncIssue> {
    const issues = new Map<string, SyncIssue>();
    for (const [bobId, judged] of this.skipped) {
      let loss: Loss = judged;
      if (!this.holds(judged.owner)) {
        for (let k = 0; k < this.keys.length; k++) {
          const holder = this.holderOf(k, bobId);
          if (holder !== null) {
            loss = {
              k,
              value: this.keys[k]?.keyOf(this.input.fetched.get(bobId) as EmployeeRecord) as string,
              owner: holder,
            };
            break;
          }
        }
      }
      const key = this.keys[loss.k] as UniqueKey;
      const record = this.input.fetched.get(bobId);
      const owner = loss.owner.bobId;
      const by =
        loss.owner.frozen === false
          ? `Bob employee ${owner}, who keeps it`
          : `Bob employee ${owner} in Peakon, who is left unchanged`;
      issues.set(bobId, {
        bobEmployeeId: bobId,
        email: record?.email ?? null,
        code: key.code,
        message: `${key.describe(record, loss.value)} is also used by ${by}; this employee was skipped.`,
      });
    }
    return issues;
  }

  /** Who keeps the value a record has for key `k` now, other than the record itself: a writer first, else the smallest frozen Bob id; null if nobody. */
  private holderOf(k: number, bobId: string): Holder | null {
    const value = this.keys[k]?.keyOf(this.input.fetched.get(bobId) as EmployeeRecord) ?? null;
    if (value === null) return null;
    const held = this.held(k, value);
    const all =
      held === undefined
        ? []
        : Array.isArray(held)
          ? held
          : [typeof held === "string" ? { bobId: held, frozen: false as const } : held];
    const others = all.filter((h) => h.bobId !== bobId && this.holds(h));
    return others.find((h) => h.frozen === false) ?? others.sort((a, b) => compareText(a.bobId, b.bobId))[0] ?? null;
  }

  /** A writer holds its value unless skipped; a frozen holder while it is left as it is: always, or while skipped. */
  private holds(h: Holder): boolean {
    return h.frozen === false ? !this.skipped.has(h.bobId) : h.frozen === "stays" || this.skipped.has(h.bobId);
  }

  /** Who keeps one value of a key and who loses it, as the holders are now; null when nobody loses it. */
  private judge(k: number, value: string): Judgement | null {
    const held = this.held(k, value);
    if (!Array.isArray(held)) return null;
    const key = this.keys[k] as UniqueKey;
    const frozen = held
      .filter((h) => h.frozen !== false && this.holds(h))
      .sort((a, b) => compareText(a.bobId, b.bobId));
    const writable = held
      .filter((h) => h.frozen === false && this.holds(h))
      .map((h) => h.bobId)
      .sort(compareText);
    const linked = (bobId: string) => {
      const stored = this.stored(bobId);
      return stored !== undefined && key.keyOf(stored) === value;
    };
    const keeper = frozen.length > 0 ? null : (writable.find(linked) ?? writable[0] ?? null);
    const losers = writable.filter((id) => id !== keeper);
    if (losers.length === 0) return null;
    return {
      k,
      value,
      keeper,
      owner: keeper !== null ? { bobId: keeper, frozen: false } : (frozen[0] as Holder),
      losers,
    };
  }

  private held(k: number, value: string): HeldBy | undefined {
    return (this.changed[k] as Holders).get(value) ?? (this.base[k] as Holders).get(value);
  }

  /** Adds a holder (copying a list of `base` before it grows); true when the value now has several. */
  private add(k: number, value: string, holder: Holder): boolean {
    const changed = this.changed[k] as Holders;
    const held = this.held(k, value);
    if (held === undefined) changed.set(value, holder);
    else if (Array.isArray(held) && changed.has(value)) held.push(holder);
    else
      changed.set(value, [
        ...(Array.isArray(held) ? held : [typeof held === "string" ? { bobId: held, frozen: false as const } : held]),
        holder,
      ]);
    return held !== undefined;
  }
}

interface Holder {
  readonly bobId: string;
  /**
   * false: writes the value (a fetched record). Otherwise it keeps the value it has in Peakon:
   * "stays", left as it is by the plan whatever else happens; "skipped", while it is skipped here.
   */
  readonly frozen: false | "stays" | "skipped";
}

/** A lone writable holder as its Bob id, a lone frozen one as a Holder, several as a list. */
type HeldBy = string | Holder | Holder[];
/** By key value. */
type Holders = Map<string, HeldBy>;

/** Adds a holder to holders being built; true when the value now has several. */
function add(holders: Holders, value: string, holder: Holder): boolean {
  const held = holders.get(value);
  if (held === undefined) holders.set(value, holder.frozen !== false ? holder : holder.bobId);
  else if (Array.isArray(held)) held.push(holder);
  else holders.set(value, [typeof held === "string" ? { bobId: held, frozen: false } : held, holder]);
  return held !== undefined;
}

/**
 * Who holds each value of each key after the plan if nobody is skipped for a duplicate, and the
 * values several hold. A value held once (nearly all of them) costs one map entry and no list.
 */
function keyHolders(
  input: DuplicateEmailInput,
  keys: readonly UniqueKey[],
): { holders: Holders[]; shared: Set<string>[] } {
  const shared = keys.map(() => new Set<string>());
  const holders = keys.map((key, k) => {
    const held: Holders = new Map();
    for (const record of input.fetched.values()) {
      const value = key.keyOf(record);
      if (value === null) continue;
      if (!held.has(value)) held.set(value, record.bobId);
      else if (add(held, value, { bobId: record.bobId, frozen: false })) (shared[k] as Set<string>).add(value);
    }
    return held;
  });
  const none = new Set<string>();
  for (const record of input.directory.values()) {
    if (!input.staysAsIs(record.bobId, none)) continue;
    keys.forEach((key, k) => {
      const value = key.keyOf(record);
      if (value !== null && add(holders[k] as Holders, value, { bobId: record.bobId, frozen: "stays" }))
        (shared[k] as Set<string>).add(value);
    });
  }
  return { holders, shared };
}
