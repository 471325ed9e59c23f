import type { ProgressBus } from "../domain/ports/progress-bus.js";
import { progressOf, type SyncProgressEvent, type SyncRunRecord } from "../domain/sync/sync-run.js";

const TERMINAL_PHASE = "DONE";

/**
 * The syncProgress stream of one subscriber: the current state of the run(s) first, then live
 * events. Listening starts before the current state is read, so nothing falls in between. A run
 * can move on while its state is being read: then the events it published meanwhile are already
 * waiting, and the state read (possibly newer than some of them) is not shown, so the subscriber
 * sees every event in order; nor is an event shown twice in a row for the same run. A stream for
 * one run ends after that run's DONE event.
 */
export async function* progressStream(options: {
  bus: ProgressBus;
  companyId: string;
  runId: string | null;
  current: () => Promise<SyncRunRecord[]>;
  signal?: AbortSignal;
}): AsyncGenerator<SyncProgressEvent> {
  const buffered: SyncProgressEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = options.bus.subscribe(options.companyId, (event) => {
    if (options.runId && event.runId !== options.runId) return;
    buffered.push(event);
    wake?.();
  });
  const lastShown = new Map<string, SyncProgressEvent>();
  try {
    for (const run of await options.current()) {
      if (buffered.some((e) => e.runId === run.id)) continue; // its events, in order, come next
      const event = progressOf(run);
      lastShown.set(run.id, event);
      yield event;
      if (options.runId && event.phase === TERMINAL_PHASE && event.status !== "HELD") return;
    }
    for (;;) {
      while (buffered.length > 0) {
        const event = buffered.shift() as SyncProgressEvent;
        const last = lastShown.get(event.runId);
        if (last !== undefined && sameState(last, event)) continue;
        lastShown.set(event.runId, event);
        yield event;
        if (options.runId && event.phase === TERMINAL_PHASE) return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    unsubscribe();
  }
}

function sameState(a: SyncProgressEvent, b: SyncProgressEvent): boolean {
  return (
    a.status === b.status &&
    a.phase === b.phase &&
    a.processed === b.processed &&
    a.total === b.total &&
    a.counts.fetched === b.counts.fetched &&
    a.counts.created === b.counts.created &&
    a.counts.updated === b.counts.updated &&
    a.counts.deleted === b.counts.deleted &&
    a.counts.unchanged === b.counts.unchanged &&
    a.counts.skipped === b.counts.skipped
  );
}
