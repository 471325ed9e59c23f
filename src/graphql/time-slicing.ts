/**
 * Cooperative time slicing of heavy operations, so one tenant's large pages do not stall the event
 * loop for everyone else (/healthz, webhook acknowledgements, light queries).
 *
 * A process-wide FIFO of turns: `nextTurn()` resolves one waiter per event-loop iteration (from a
 * setImmediate), so between two slices of heavy work the loop polls for I/O. A large list is
 * completed by graphql-js in slices (`sliceList`: its items are promises released one slice per
 * turn; graphql-js completes each item when it resolves), and a large result is serialised in
 * slices (`stringifySliced`).
 */

/** Off: everything at once, as graphql-js and JSON.stringify do it (tests and benchmarks compare). */
export const timeSlicing = { enabled: true };

/** Whether a list of this length is completed and serialised in slices. */
export function isSliced(length: number): boolean {
  return timeSlicing.enabled && length > SLICE_ABOVE;
}

/** Pages longer than this are completed and serialised in slices. */
export const SLICE_ABOVE = 50;
/** Rows (list items) completed or serialised per turn: ~0.1 ms each for a page with every field. */
export const SLICE_ROWS = 10;

const waiting: (() => void)[] = [];
let head = 0;
let armed = false;

function release(): void {
  armed = false;
  const next = waiting[head];
  waiting[head++] = undefined as unknown as () => void;
  if (head === waiting.length) {
    waiting.length = 0;
    head = 0;
  } else {
    arm();
  }
  next?.();
}

function arm(): void {
  if (armed) return;
  armed = true;
  setImmediate(release);
}

/** Resolves on a later event-loop iteration, after every turn asked for before it (one per iteration). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    arm();
  });
}

/**
 * A request's slicing state: while a sliced list is being completed, its DataLoaders hold their
 * batch open (`schedule`), so the rows of every slice share one batch and one statement, as when
 * the whole list was completed at once.
 */
export class RequestSlicing {
  private running = 0;
  private held: (() => void)[] = [];

  /** A DataLoader `batchScheduleFn`: its default (after the current microtasks) unless a sliced list is running. */
  readonly schedule = (dispatch: () => void): void => {
    if (this.running > 0) this.held.push(dispatch);
    else afterMicrotasks(dispatch);
  };

  /**
   * The list with its items released SLICE_ROWS per turn (graphql-js accepts promises as list
   * items). Lists of SLICE_ABOVE items or fewer are returned as they are.
   */
  sliceList<T>(items: readonly T[]): readonly (T | Promise<T>)[] {
    if (!isSliced(items.length)) return items;
    this.running++;
    const out: Promise<T>[] = new Array(items.length);
    let turn: Promise<void> = Promise.resolve();
    for (let start = 0; start < items.length; start += SLICE_ROWS) {
      turn = nextTurn();
      for (let i = start; i < Math.min(start + SLICE_ROWS, items.length); i++) out[i] = turn.then(() => items[i] as T);
    }
    void turn.then(() => {
      // The last slice's rows are completed in this same microtask run; the held batches are
      // dispatched after it (as DataLoader does), with every row's keys in them.
      if (--this.running > 0) return;
      const held = this.held;
      this.held = [];
      for (const dispatch of held) afterMicrotasks(dispatch);
    });
    return out;
  }
}

/** DataLoader's own default schedule: after the promise jobs of the current microtask run. */
function afterMicrotasks(fn: () => void): void {
  void Promise.resolve().then(() => process.nextTick(fn));
}

/**
 * `JSON.stringify(value)`, byte for byte, in slices when the value holds a list longer than
 * SLICE_ABOVE: such lists are serialised SLICE_ROWS items per turn. Synchronous otherwise.
 * For execution results: plain objects, arrays and JSON scalars (anything with `toJSON` is left to
 * JSON.stringify as a whole).
 */
export function stringifySliced(value: unknown): string | Promise<string> {
  if (!hasLongList(value, 0)) return JSON.stringify(value);
  const parts: string[] = [];
  return write(value, parts).then(() => parts.join(""));
}

/** Whether a list longer than SLICE_ABOVE is reachable through objects and lists (short lists are not searched). */
function hasLongList(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null || depth > 32 || hasToJSON(value)) return false;
  if (Array.isArray(value)) return isSliced(value.length);
  return Object.keys(value).some((key) => hasLongList((value as Record<string, unknown>)[key], depth + 1));
}

function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

async function write(value: unknown, parts: string[]): Promise<void> {
  if (!hasLongList(value, 0)) {
    parts.push(JSON.stringify(value) ?? "null");
    return;
  }
  if (Array.isArray(value)) {
    parts.push("[");
    for (let start = 0; start < value.length; start += SLICE_ROWS) {
      await nextTurn();
      for (let i = start; i < Math.min(start + SLICE_ROWS, value.length); i++) {
        if (i > 0) parts.push(",");
        // As JSON.stringify: undefined, functions and symbols in a list are null.
        parts.push(JSON.stringify(value[i]) ?? "null");
      }
    }
    parts.push("]");
    return;
  }
  parts.push("{");
  let first = true;
  for (const key of Object.keys(value as object)) {
    const member = (value as Record<string, unknown>)[key];
    // As JSON.stringify: members that are undefined, functions or symbols are left out.
    if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
    parts.push(first ? "" : ",", JSON.stringify(key), ":");
    first = false;
    await write(member, parts);
  }
  parts.push("}");
}
