/** What one item of a group commit came to: its own value, or its own error. */
export type ItemOutcome<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions {
  /** Most items one commit takes (default 500). */
  readonly maxBatch?: number;
  /**
   * Commits that may run at once (default 1). Above 1, items that arrive while a commit waits
   * for the database start the next one instead of waiting for it: worth it when commits are
   * round trips to a server with a connection pool, useless on a single connection.
   */
  readonly maxInFlight?: number;
}

/**
 * Group commit: items submitted while the commits in flight run wait and go together in the
 * next one, so N concurrent writers cost one transaction instead of N, and an idle system still
 * commits a lone item at once (no timer, no added latency). Every submitter's promise settles
 * only after the commit that holds its item has finished, with that item's own outcome.
 */
export class GroupCommit<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly commit: (items: readonly I[]) => Promise<ItemOutcome<O>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 500));
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 1));
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a commit (not counting those in the commits running). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // After the current I/O phase: requests whose bodies arrived together join one batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.runOne();
    });
  }

  private async runOne(): Promise<void> {
    if (this.running >= this.maxInFlight || this.queue.length === 0) return;
    this.running++;
    const batch = this.queue.splice(0, this.maxBatch);
    this.schedule(); // what is left may start the next commit while this one runs (maxInFlight > 1)
    try {
      let outcomes: ItemOutcome<O>[];
      try {
        outcomes = await this.commit(batch.map((b) => b.item));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false as const, error }));
      }
      batch.forEach((b, i) => {
        const outcome = outcomes[i] ?? {
          ok: false as const,
          error: new Error("group commit returned no outcome for an item"),
        };
        if (outcome.ok) b.resolve(outcome.value);
        else b.reject(outcome.error);
      });
    } finally {
      this.running--;
      this.schedule();
    }
  }
}
